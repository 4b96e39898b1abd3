package org.sagent.agent.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sagent.agent.config.ConfigParserTest;

/** The served endpoint on loopback, against clients that connect and never finish. */
class MetricsEndpointTest {

    /** Generous: the request bound, the JDK's check period, and a loaded machine. */
    private static final Duration BOUND = Duration.ofSeconds(10);

    private AgentMetrics metrics;
    private int port;
    private final List<Socket> clients = new ArrayList<>();

    @BeforeEach
    void serve() throws IOException {
        metrics = new AgentMetrics(MetricsScope.of(ConfigParserTest.valid(ConfigParserTest.MINIMAL)), "1.2.3",
                Optional::empty, org.sagent.agent.time.MonotonicClock.system());
        metrics.serve(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        port = metrics.port();
    }

    @AfterEach
    void close() throws IOException {
        for (Socket client : clients) {
            client.close();
        }
        metrics.close();
    }

    private Socket open(String send) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        clients.add(socket);
        socket.setSoTimeout((int) BOUND.toMillis());
        socket.getOutputStream().write(send.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        return socket;
    }

    /** Everything the server sends until it closes; fails when it has not closed within BOUND. */
    private static String untilClosed(Socket socket, String what) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                all.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("never happened within " + BOUND.toMillis() + " ms: " + what);
        } catch (IOException reset) {
            // closed with a reset: closed all the same
        }
        return all.toString(StandardCharsets.ISO_8859_1);
    }

    private String scrape() throws IOException {
        Socket scrape = open("GET /metrics HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
        String answer = untilClosed(scrape, "a scrape answered");
        assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
        assertTrue(answer.contains("sagent_build_info{version=\"1.2.3\"} 1"), answer);
        return answer;
    }

    @Test
    void idleSlowAndOversizedClientsAreCutOffWhileScrapesAreAnswered() throws IOException {
        List<Socket> idle = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            idle.add(open(""));
        }
        List<Socket> slow = new ArrayList<>();
        for (int i = 0; i < HttpServerLimits.WORKERS - 2; i++) {
            slow.add(open("GET /metrics HTTP/1.1\r\nHost: te"));
        }
        Socket oversized = open("GET /metrics HTTP/1.1\r\nX-Filler: " + "a".repeat(4 * HttpServerLimits.MAX_HEADER_BYTES));

        scrape();

        assertEquals("", untilClosed(oversized, "the oversized request cut off").replaceAll("(?s)^HTTP/1.1 4.*", ""));
        for (Socket socket : idle) {
            assertEquals("", untilClosed(socket, "an idle connection closed by the server"));
        }
        for (Socket socket : slow) {
            assertEquals("", untilClosed(socket, "an unfinished request cut off"));
        }
        scrape();
    }

    @Test
    void moreUnfinishedRequestsThanWorkersDelayAScrapeOnlyUntilTheyAreCutOff() throws IOException {
        for (int i = 0; i < HttpServerLimits.WORKERS + 4; i++) {
            open("GET /metrics HTTP/1.1\r\nHost: te");
        }
        scrape();
    }

    @Test
    void unfinishedRequestsBeyondTheWorkersAndTheirQueueAreRefusedAndTheEndpointServesAfterwards() throws IOException {
        List<Socket> slow = new ArrayList<>();
        for (int i = 0; i < HttpServerLimits.WORKERS + HttpServerLimits.QUEUE + 8; i++) {
            slow.add(open("GET /metrics HTTP/1.1\r\nHost: te"));
        }
        for (Socket socket : slow) {
            assertEquals("", untilClosed(socket, "an unfinished request refused or cut off"));
        }
        scrape();
    }

    @Test
    void anAdministratorsOwnSettingWins() {
        Properties system = new Properties();
        system.setProperty("sun.net.httpserver.maxReqTime", "5");
        HttpServerLimits.apply(system);
        assertEquals("5", system.getProperty("sun.net.httpserver.maxReqTime"));
        assertEquals("256", system.getProperty("jdk.httpserver.maxConnections"));
        assertEquals(HttpServerLimits.properties().size(), system.size());
    }
}
