package org.sagent.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SysfsAttributeTest {

    @Test
    void everyReadSeesTheValueAsItIsNowThroughOneDescriptor(@TempDir Path dir) throws Exception {
        Path carrier = dir.resolve("carrier");
        Files.writeString(carrier, "1\n");
        try (SysfsAttribute attribute = new SysfsAttribute(carrier)) {
            assertEquals(Optional.of("1"), attribute.read());
            Files.writeString(carrier, "0\n"); // the same file, rewritten in place
            assertEquals(Optional.of("0"), attribute.read());
        }
    }

    @Test
    void anUnreadableAttributeIsEmptyAndOpenedAgainOnceItIsBack(@TempDir Path dir) throws Exception {
        Path carrier = dir.resolve("carrier");
        try (SysfsAttribute attribute = new SysfsAttribute(carrier)) {
            assertEquals(Optional.empty(), attribute.read());
            Files.writeString(carrier, "1\n");
            assertEquals(Optional.of("1"), attribute.read());
        }
    }
}
