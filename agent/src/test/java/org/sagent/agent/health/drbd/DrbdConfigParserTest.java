package org.sagent.agent.health.drbd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.sagent.agent.isolation.FencingConfigCheck;

/** {@code drbdadm dump} outputs captured on the reference VMs (fixtures/vm-drbd84/drbdadm-84-dump-*). */
class DrbdConfigParserTest {

    private static String fixture(String name) throws Exception {
        return Files.readString(Path.of(DrbdConfigParserTest.class.getResource("/fixtures/vm-drbd84/" + name).toURI()));
    }

    private static List<FencingConfigCheck.Finding> check(String fixture) throws Exception {
        Map<String, DrbdConfigParser.ResourceConfig> parsed = DrbdConfigParser.parse(fixture(fixture));
        return FencingConfigCheck.check("sstorage", Optional.ofNullable(parsed.get("sstorage")));
    }

    private static List<String> errors(List<FencingConfigCheck.Finding> findings, FencingConfigCheck.Level level) {
        return findings.stream().filter(f -> f.level() == level).map(FencingConfigCheck.Finding::text).toList();
    }

    @Test
    void theResourceSectionsAreReadWithQuotedHandlersAndBareFlags() throws Exception {
        DrbdConfigParser.ResourceConfig r = DrbdConfigParser.parse(fixture("drbdadm-84-dump-sstorage-fencing.txt"))
                .get("sstorage");
        assertEquals(Optional.of("resource-and-stonith"), r.option("disk", "fencing"));
        assertEquals(Optional.of("/usr/bin/sagent fence-peer"), r.option("handlers", "fence-peer"));
        assertEquals(Optional.of("/usr/bin/sagent after-resync-target"), r.option("handlers", "after-resync-target"));
        assertEquals(Optional.of("yes"), r.option("net", "allow-two-primaries"));
        assertEquals(Optional.of("disconnect"), r.option("net", "after-sb-2pri"));
        assertEquals(Optional.of("both"), r.option("startup", "become-primary-on"));
    }

    @Test
    void theReferenceSetUpWithoutFencingIsAnErrorThatSaysWhatToAdd() throws Exception {
        List<String> errors = errors(check("drbdadm-84-dump-sstorage-default.txt"), FencingConfigCheck.Level.ERROR);
        assertEquals(2, errors.size(), errors.toString());
        assertTrue(errors.get(0).contains("fencing is dont-care (the default)")
                && errors.get(0).contains("add 'fencing resource-and-stonith;' to disk { }"), errors.get(0));
        assertTrue(errors.get(1).contains("no fence-peer handler")
                && errors.get(1).contains("add 'fence-peer \"/usr/bin/sagent fence-peer\";' to handlers { }"),
                errors.get(1));
    }

    @Test
    void theShippedSnippetInTheResourcePasses() throws Exception {
        List<FencingConfigCheck.Finding> findings = check("drbdadm-84-dump-sstorage-fencing.txt");
        assertEquals(List.of(), errors(findings, FencingConfigCheck.Level.ERROR));
        assertEquals(List.of(), errors(findings, FencingConfigCheck.Level.WARNING));
        assertEquals(4, errors(findings, FencingConfigCheck.Level.OK).size(), findings.toString());
    }

    @Test
    void settingsInTheCommonSectionApplyToTheResource() throws Exception {
        // "drbdadm dump" (all) prints common { } apart; the resource inherits it, as drbdadm adjust applies it.
        List<FencingConfigCheck.Finding> findings = check("drbdadm-84-dump-all-fencing-common.txt");
        assertEquals(List.of(), errors(findings, FencingConfigCheck.Level.ERROR));
        assertEquals(List.of(), errors(findings, FencingConfigCheck.Level.WARNING));
    }

    @Test
    void aResourceSettingOverridesCommonAndAnUnknownResourceIsNamed() {
        String dump = "common { disk { fencing resource-and-stonith; } net { after-sb-2pri disconnect; } }\n"
                + "resource r0 { disk { fencing resource-only; } net { after-sb-2pri violently-as0p; } }\n";
        List<FencingConfigCheck.Finding> findings = FencingConfigCheck.check("r0",
                Optional.ofNullable(DrbdConfigParser.parse(dump).get("r0")));
        List<String> errors = errors(findings, FencingConfigCheck.Level.ERROR);
        assertTrue(errors.get(0).contains("fencing is resource-only"), errors.toString());
        assertTrue(errors.stream().anyMatch(e -> e.contains("after-sb-2pri is violently-as0p")), errors.toString());
        List<FencingConfigCheck.Finding> missing = FencingConfigCheck.check("sstorage",
                Optional.ofNullable(DrbdConfigParser.parse(dump).get("sstorage")));
        assertTrue(missing.get(0).text().contains("DRBD resource sstorage is not in drbdadm's configuration"),
                missing.toString());
    }
}
