package org.sagent.agent.isolation;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * A fence written to local storage outside DRBD (the state directory, /var/lib/sagent): it
 * survives the reboot that follows a stand-down and keeps the node from serving until it is
 * resynced (spec 7.3, 7.5). Written to a temporary file, synced, then renamed, so a power cut
 * leaves either the old record or the new one.
 *
 * @param at      when (ISO-8601)
 * @param peer    the other side: the winner in a node's own record, the loser in a winner's
 * @param reason  why, in words
 * @param resource the DRBD resource whose handler asked (empty when the stand-down came first)
 */
public record FenceRecord(String at, String peer, String reason, String resource) {

    /** This node stood down: it must not serve until resynced. */
    public static final String OWN = "fenced";
    /** The peer stood down for this node: for status until the peer is back (unfence-peer clears it). */
    public static final String PEER = "peer-fenced";
    private static final ObjectMapper JSON = new ObjectMapper();

    public static Optional<FenceRecord> read(Path file) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(Files.readAllBytes(file), FenceRecord.class));
        } catch (IOException e) {
            // Unreadable (a torn write cannot happen, an edit by hand can): still a fence.
            return Optional.of(new FenceRecord("?", "?", "unreadable fence record " + file + " (" + e.getMessage()
                    + ")", ""));
        }
    }

    public void write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Path temporary = file.resolveSibling(file.getFileName() + ".new");
        byte[] json = (JSON.writeValueAsString(this) + "\n").getBytes(StandardCharsets.UTF_8);
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.wrap(json));
            channel.force(true);
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel directory = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            directory.force(true); // the rename itself must survive the reboot that follows
        }
    }

    /** One line for logs and status. */
    public String describe() {
        return "fenced at " + at + " (" + reason + ")";
    }
}
