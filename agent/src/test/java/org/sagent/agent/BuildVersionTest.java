package org.sagent.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildVersionTest {

    @TempDir
    Path dir;

    @Test
    void thePackagesBuildFileNamesTheVersionAndTheCommit() throws Exception {
        Files.writeString(dir.resolve(BuildVersion.BUILD_FILE), "0.1.0~git20261207112512 (commit 1a2b3c4d5e6f)\n");
        assertEquals(Optional.of("0.1.0~git20261207112512 (commit 1a2b3c4d5e6f)"),
                BuildVersion.fromBuildFile(Optional.of(dir)));
    }

    @Test
    void withoutTheFileOrWithAnEmptyOneTheMavenVersionStands() throws Exception {
        assertEquals(Optional.empty(), BuildVersion.fromBuildFile(Optional.of(dir)));
        Files.writeString(dir.resolve(BuildVersion.BUILD_FILE), "\n");
        assertEquals(Optional.empty(), BuildVersion.fromBuildFile(Optional.of(dir)));
        assertEquals(Optional.empty(), BuildVersion.fromBuildFile(Optional.empty()));
    }
}
