/**
 * A Spring Boot web service as teams write one: a {@code @Transactional} service with a
 * {@code @GovernedAction} method, and Spring AI {@code @Tool} methods that only the policy's
 * {@code govern:} entry governs. Spring wraps both beans in CGLIB proxies; the tests call the
 * service over HTTP and run the tools through Spring AI's own tool-calling code.
 */
package dev.actiongate.it.spring;
