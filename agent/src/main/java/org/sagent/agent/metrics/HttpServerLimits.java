package org.sagent.agent.metrics;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounds of the JDK's HTTP server behind {@code /metrics}, so that slow, idle or excess
 * clients on the LAN cannot stall it.
 *
 * <p>The JDK server reads a request on a worker thread once its first byte arrives; left as
 * the Prometheus client builds it (10 workers, and a dispatcher that blocks when all are busy)
 * and with the JDK's defaults (no time limit on a request), ten clients that send one byte
 * each stopped the endpoint for good. Here: a bounded pool whose excess is refused (the JDK
 * then closes that connection, its dispatcher never waits), and the JDK's own limits, set as
 * the system properties its {@code jdk.httpserver} module documents.
 */
final class HttpServerLimits {

    /** Workers: up to WORKERS - 1 clients stuck in their request still leave a scrape a worker. */
    static final int WORKERS = 8;
    /** Requests read (their first byte in) waiting for a worker; beyond this the connection is closed. */
    static final int QUEUE = 32;
    /** From a request's first byte to its last header; a slower client is cut off. */
    static final Duration REQUEST_TIME = Duration.ofSeconds(2);
    /** From the end of the request to the end of the answer (the report takes at most 1 s). */
    static final Duration RESPONSE_TIME = Duration.ofSeconds(10);
    /** A kept-alive connection between two scrapes; a connection that never sends is closed after REQUEST_TIME. */
    static final Duration IDLE_TIME = Duration.ofSeconds(10);
    /** Open connections in all: far below the agent's file descriptor limit, far above a few scrapers. */
    static final int MAX_CONNECTIONS = 256;
    static final int MAX_IDLE_CONNECTIONS = 16;
    /** A scrape's request is a few hundred bytes; the JDK's default is 384 KiB. */
    static final int MAX_HEADER_BYTES = 8192;
    /** How often the JDK looks for idle connections to close (its default, 10 s, would let them live 12 s). */
    static final Duration IDLE_CHECK_EVERY = Duration.ofSeconds(1);

    private HttpServerLimits() {
    }

    /**
     * The properties, as the JDK reads them. {@code maxReqTime}, {@code maxRspTime} and
     * {@code idleInterval} are read in seconds by the JDK 17 to 25 implementation (its module
     * documentation says milliseconds for the first two; the implementation multiplies by
     * 1000); {@code clockTick} is the implementation's undocumented idle-check period.
     */
    static Map<String, String> properties() {
        return Map.of(
                "sun.net.httpserver.maxReqTime", String.valueOf(REQUEST_TIME.toSeconds()),
                "sun.net.httpserver.maxRspTime", String.valueOf(RESPONSE_TIME.toSeconds()),
                "sun.net.httpserver.idleInterval", String.valueOf(IDLE_TIME.toSeconds()),
                "jdk.httpserver.maxConnections", String.valueOf(MAX_CONNECTIONS),
                "sun.net.httpserver.maxIdleConnections", String.valueOf(MAX_IDLE_CONNECTIONS),
                "sun.net.httpserver.maxReqHeaderSize", String.valueOf(MAX_HEADER_BYTES),
                "sun.net.httpserver.clockTick", String.valueOf(IDLE_CHECK_EVERY.toMillis()));
    }

    /**
     * Sets the properties in {@code system}, each unless already set (an administrator's
     * {@code -D} in SAGENT_JAVA_OPTS wins). The JDK reads them once, when its first server is
     * made in this JVM: call this before.
     */
    static void apply(Properties system) {
        properties().forEach(system::putIfAbsent);
    }

    /** The workers: bounded, named, refusing (not blocking the JDK's dispatcher) when full. */
    static ExecutorService workers() {
        AtomicInteger number = new AtomicInteger();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(WORKERS, WORKERS, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUE), r -> {
                    Thread thread = new Thread(r, "metrics-http-" + number.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                }, new ThreadPoolExecutor.AbortPolicy());
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }
}
