package org.sagent.agent.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The command-line side of the control socket: one request, one answer, with a deadline. */
public final class ControlClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Of the caller's timeout, this much is kept for the answer's way back. */
    static final long ANSWER_MARGIN_MILLIS = 500;

    /** Why the agent could not be asked: not running, or the caller may not talk to it. */
    public static final class Unreachable extends Exception {
        private static final long serialVersionUID = 1L;

        public Unreachable(String message) {
            super(message);
        }
    }

    private ControlClient() {
    }

    public static JsonNode ask(Path socket, JsonNode request, Duration timeout) throws Unreachable {
        Path directory = socket.toAbsolutePath().getParent();
        if (!Files.exists(socket) && Files.isDirectory(directory) && !Files.isExecutable(directory)) {
            throw new Unreachable("permission denied on " + directory + ": run as root");
        }
        if (!Files.exists(socket)) {
            throw new Unreachable("the agent is not running (no control socket " + socket + ")");
        }
        if (!Files.isWritable(socket)) {
            throw new Unreachable("permission denied on " + socket + ": run as root");
        }
        byte[] line;
        try {
            // The agent may take as long as we wait, less the time to carry its answer back.
            JsonNode sent = request;
            if (request instanceof com.fasterxml.jackson.databind.node.ObjectNode object && !object.has("wait-ms")) {
                sent = object.deepCopy().put("wait-ms", Math.max(1000, timeout.toMillis() - ANSWER_MARGIN_MILLIS));
            }
            // Ready before connecting: the agent gives a client 2 s to send its request.
            line = (JSON.writeValueAsString(sent) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
        CompletableFuture<JsonNode> answer = CompletableFuture.supplyAsync(() -> {
            try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                channel.connect(UnixDomainSocketAddress.of(socket));
                channel.write(ByteBuffer.wrap(line));
                ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
                java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
                while (true) {
                    buffer.clear();
                    int n = channel.read(buffer);
                    if (n < 0) {
                        break;
                    }
                    all.write(buffer.array(), 0, n);
                    if (all.size() > 0 && buffer.array()[n - 1] == '\n') {
                        break;
                    }
                }
                return JSON.readTree(all.toByteArray());
            } catch (AccessDeniedException e) {
                throw new java.util.concurrent.CompletionException(new Unreachable("permission denied on " + socket
                        + ": run as root"));
            } catch (IOException e) {
                throw new java.util.concurrent.CompletionException(new Unreachable(
                        (e.getMessage() != null && e.getMessage().contains("Connection refused"))
                                ? "the agent is not running (stale control socket " + socket + ")"
                                : "cannot talk to the agent on " + socket + ": " + e.getMessage()));
            }
        });
        try {
            JsonNode node = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (node == null || node.isMissingNode()) {
                throw new Unreachable("the agent closed the control socket without answering");
            }
            return node;
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof java.util.concurrent.CompletionException c && c.getCause() instanceof Unreachable u) {
                throw u;
            }
            if (e.getCause() instanceof Unreachable u) {
                throw u;
            }
            throw new Unreachable("cannot talk to the agent: " + e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            answer.cancel(true);
            throw new Unreachable("the agent did not answer within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable("interrupted");
        }
    }
}
