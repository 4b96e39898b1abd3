package org.sagent.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.sagent.agent.health.drbd.DrbdConfigParser;
import org.sagent.agent.isolation.FencingConfigCheck;

/** The DRBD snippet the package ships passes the check sagent doctor runs on the live configuration. */
class DrbdSnippetTest {

    @Test
    void theShippedSnippetIsWhatTheDoctorAsksFor() throws Exception {
        String snippet = Files.readString(Path.of("src/deb/share/drbd/sagent-fencing.conf"));
        List<FencingConfigCheck.Finding> findings = FencingConfigCheck.check("sstorage",
                Optional.ofNullable(DrbdConfigParser.parse(snippet).get("sstorage")));
        assertEquals(List.of(), findings.stream().filter(f -> f.level() != FencingConfigCheck.Level.OK).toList());
        assertEquals(4, findings.size(), findings.toString());
    }
}
