package dev.actiongate.it.spring;

import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;

/**
 * A transaction manager with no database: it prints what a real one would do, so that the test
 * sees a denied call never began a transaction.
 */
final class PrintingTransactionManager extends AbstractPlatformTransactionManager {

    private static final long serialVersionUID = 1L;

    @Override
    protected Object doGetTransaction() {
        return new Object();
    }

    @Override
    protected void doBegin(Object transaction, TransactionDefinition definition) {
        System.out.println("TX begin " + definition.getName());
    }

    @Override
    protected void doCommit(DefaultTransactionStatus status) {
        System.out.println("TX commit");
    }

    @Override
    protected void doRollback(DefaultTransactionStatus status) {
        System.out.println("TX rollback");
    }
}
