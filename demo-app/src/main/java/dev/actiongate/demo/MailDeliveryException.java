package dev.actiongate.demo;

/**
 * The SMTP server could not be reached or refused the message. Unchecked so that the governed
 * method's signature stays the plain business call a policy is written against.
 */
public final class MailDeliveryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public MailDeliveryException(String message, Throwable cause) {
        super(message, cause);
    }
}
