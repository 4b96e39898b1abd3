package org.sagent.agent.health.drbd;

/** A DRBD tool printed something we cannot read; the message says what and where. */
public final class DrbdParseException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public DrbdParseException(String message) {
        super(message);
    }
}
