package org.sagent.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.sagent.agent.health.drbd.DrbdConfigParser;
import org.sagent.agent.isolation.FencingConfigCheck;
import org.sagent.agent.tuning.FailoverTuningCheck;

/** The DRBD and o2cb snippets the package ships pass the checks sagent doctor runs on the live configuration. */
class DrbdSnippetTest {

    @Test
    void theShippedSnippetIsWhatTheDoctorAsksFor() throws Exception {
        String snippet = Files.readString(Path.of("src/deb/share/drbd/sagent-fencing.conf"));
        List<FencingConfigCheck.Finding> findings = FencingConfigCheck.check("sstorage",
                Optional.ofNullable(DrbdConfigParser.parse(snippet).get("sstorage")));
        assertEquals(List.of(), findings.stream().filter(f -> f.level() != FencingConfigCheck.Level.OK).toList());
        assertEquals(4, findings.size(), findings.toString());
    }

    @Test
    void theShippedTuningIsWhatTheDoctorRecommends() throws Exception {
        String snippet = Files.readString(Path.of("src/deb/share/tuning/drbd-fast-failover.conf"));
        List<FailoverTuningCheck.Advice> advice = FailoverTuningCheck.drbd("sstorage",
                DrbdConfigParser.parse(snippet).get("sstorage"));
        assertEquals(List.of("sstorage: ping-int 3 s", "sstorage: timeout 2.5 s"),
                advice.stream().filter(FailoverTuningCheck.Advice::followed).map(FailoverTuningCheck.Advice::text).toList());
        assertEquals(2, advice.size(), advice.toString());

        String o2cb = Files.readString(Path.of("src/deb/share/tuning/o2cb-fast-failover"));
        assertTrue(o2cb.contains("\nO2CB_HEARTBEAT_THRESHOLD=" + FailoverTuningCheck.RECOMMENDED_DEAD_THRESHOLD + "\n"), o2cb);
    }
}
