package org.sagent.agent.config;

/**
 * One thing wrong (or worth a warning) in a configuration file, at a line and column.
 *
 * <p>Printed like a compiler message so editors and people can jump to it:
 * {@code sagent.yaml:14:15: error: failover.failback: 'automatic' is not a failback mode; write auto or manual}.
 */
public record ConfigProblem(String file, int line, int column, Severity severity, String message) {

    /** Errors stop the agent from starting; warnings are printed and let it start. */
    public enum Severity { ERROR, WARNING }

    public ConfigProblem {
        if (line < 1 || column < 1) {
            throw new IllegalArgumentException("line and column start at 1, got " + line + ":" + column);
        }
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + severity.name().toLowerCase() + ": " + message;
    }
}
