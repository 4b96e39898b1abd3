package org.sagent.agent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * One small sysfs attribute read over and over through a descriptor kept open: a read at offset
 * 0 makes the kernel render the value afresh, so a poll costs one system call instead of open,
 * read and close. After an error (EINVAL while the interface is down, ENODEV once it is gone)
 * the next read opens the file again. For one thread.
 */
final class SysfsAttribute implements AutoCloseable {

    private final Path path;
    private final ByteBuffer buffer = ByteBuffer.allocate(64);
    private FileChannel channel;

    SysfsAttribute(Path path) {
        this.path = path;
    }

    /** The value without its line end; empty when it cannot be read now. */
    Optional<String> read() {
        try {
            if (channel == null) {
                channel = FileChannel.open(path, StandardOpenOption.READ);
            }
            buffer.clear();
            int length = Math.max(0, channel.read(buffer, 0));
            return Optional.of(new String(buffer.array(), 0, length, StandardCharsets.US_ASCII).strip());
        } catch (IOException e) {
            close();
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing left to release
            }
            channel = null;
        }
    }
}
