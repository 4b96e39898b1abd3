package org.sagent.agent.metrics;

/**
 * One Prometheus metric family sagent exports: its name (without the {@code _total} a counter
 * gets on the wire) and the help text an operator reads in Prometheus.
 */
record MetricFamily(String name, String help) {
}
