package dev.actiongate.it.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.EnableTransactionManagement;

/** {@code java -jar actiongate-it-spring-app.jar --server.port=PORT}; {@code POST /exit} ends it. */
@SpringBootApplication
@EnableTransactionManagement(proxyTargetClass = true)
public class SpringApp {

    public static void main(String[] args) {
        SpringApplication.run(SpringApp.class, args);
    }

    @Bean
    PlatformTransactionManager transactionManager() {
        return new PrintingTransactionManager();
    }
}
