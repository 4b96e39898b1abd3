package org.sagent.packaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A minimal Debian 12 tree for installing the .deb as an administrator would: debootstrapped
 * once (minbase, plus the JRE and systemd's tools) and cached; each test writes to an overlay
 * on top of it, mounted in a private mount namespace that vanishes with the command, so the
 * cache stays clean and nothing is left mounted even if a test dies.
 */
final class DebianChroot implements AutoCloseable {

    private static final Duration CACHE_LIFE = Duration.ofDays(30);
    private static final String SUITE = "bookworm";

    record Ran(int status, String output) {
        Ran orFail(String what) {
            if (status != 0) {
                throw new AssertionError(what + " failed with exit status " + status + ":\n" + output);
            }
            return this;
        }
    }

    private final Path base;
    private final Path dir;

    private DebianChroot(Path base, Path dir) {
        this.base = base;
        this.dir = dir;
    }

    /** A fresh overlay on the cached tree (made first if there is none). */
    static DebianChroot create(Path cacheDir) throws Exception {
        Path base = cacheDir.resolve(SUITE);
        ensureBase(base);
        Path dir = Files.createTempDirectory("sagent-chroot");
        Files.createDirectories(dir.resolve("upper/tmp"));
        Files.createDirectories(dir.resolve("work"));
        Files.createDirectories(dir.resolve("merged"));
        return new DebianChroot(base, dir);
    }

    /** A file placed in the tree's /tmp. */
    Path tmp(String name) {
        return dir.resolve("upper/tmp").resolve(name);
    }

    /** Runs a shell line inside the tree (as root, /proc mounted, no systemd running). */
    Ran run(String shellLine) throws Exception {
        String mount = "mount -t overlay overlay -o lowerdir=" + base + ",upperdir=" + dir.resolve("upper")
                + ",workdir=" + dir.resolve("work") + " " + dir.resolve("merged")
                + " && mount -t proc proc " + dir.resolve("merged/proc")
                + " && exec chroot " + dir.resolve("merged") + " /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin"
                + " DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 /bin/sh -c \"$0\"";
        return exec(Duration.ofMinutes(5), "unshare", "--mount", "--propagation", "private", "sh", "-c", mount,
                shellLine);
    }

    @Override
    public void close() throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static void ensureBase(Path base) throws Exception {
        Path done = base.resolve(".sagent-test-base");
        if (Files.exists(done) && Files.getLastModifiedTime(done).toInstant()
                .isAfter(Instant.now().minus(CACHE_LIFE))) {
            return;
        }
        String mirror = mirror().orElseThrow(() -> new AssertionError("no Debian " + SUITE + " mirror in this "
                + "machine's apt sources (/etc/apt/sources.list, /etc/apt/sources.list.d): the install test "
                + "debootstraps from the mirror the machine itself uses"));
        Path fresh = base.resolveSibling(SUITE + ".new");
        exec(Duration.ofSeconds(5), "rm", "-rf", fresh.toString());
        Files.createDirectories(fresh.getParent());
        System.out.println("debootstrap " + SUITE + " from " + mirror + " into " + fresh + " (cached for later runs)");
        exec(Duration.ofMinutes(10), "debootstrap", "--variant=minbase", SUITE, fresh.toString(), mirror)
                .orFail("debootstrap");
        // The JRE the package depends on, and systemd for systemd-analyze (not running: a chroot).
        String install = "mount -t proc proc " + fresh.resolve("proc") + " && exec chroot " + fresh
                + " /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive /bin/sh -c "
                + "'apt-get update -qq && apt-get install -y -qq --no-install-recommends default-jre-headless "
                + "systemd && apt-get clean'";
        exec(Duration.ofMinutes(10), "unshare", "--mount", "--propagation", "private", "sh", "-c", install)
                .orFail("installing the JRE and systemd in the tree");
        exec(Duration.ofSeconds(60), "rm", "-rf", base.toString());
        Files.move(fresh, base);
        Files.writeString(base.resolve(".sagent-test-base"), "debootstrap " + SUITE + " " + mirror + "\n");
    }

    /** The URI of this machine's apt source for the suite's main component (never a fixed host). */
    static Optional<String> mirror() throws IOException {
        List<Path> files = new ArrayList<>();
        if (Files.exists(Path.of("/etc/apt/sources.list"))) {
            files.add(Path.of("/etc/apt/sources.list"));
        }
        if (Files.isDirectory(Path.of("/etc/apt/sources.list.d"))) {
            try (Stream<Path> list = Files.list(Path.of("/etc/apt/sources.list.d"))) {
                list.filter(p -> p.toString().endsWith(".list") || p.toString().endsWith(".sources")).sorted()
                        .forEach(files::add);
            }
        }
        for (Path file : files) {
            Optional<String> found = file.toString().endsWith(".sources")
                    ? fromDeb822(Files.readString(file)) : fromOneLine(Files.readAllLines(file));
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    static Optional<String> fromOneLine(List<String> lines) {
        for (String raw : lines) {
            String line = raw.replaceAll("\\[[^]]*]", " ").strip();
            String[] words = line.split("\\s+");
            if (words.length >= 4 && words[0].equals("deb") && words[2].equals(SUITE)
                    && List.of(words).subList(3, words.length).contains("main")) {
                return Optional.of(words[1]);
            }
        }
        return Optional.empty();
    }

    static Optional<String> fromDeb822(String text) {
        for (String stanza : text.split("\\n\\s*\\n")) {
            String uris = null;
            boolean suite = false;
            boolean main = false;
            boolean deb = false;
            boolean enabled = true;
            for (String line : stanza.split("\\n")) {
                if (line.startsWith("#")) {
                    continue;
                }
                String[] kv = line.split(":", 2);
                if (kv.length < 2) {
                    continue;
                }
                String value = kv[1].strip();
                switch (kv[0].strip().toLowerCase()) {
                    case "uris" -> uris = value.split("\\s+")[0];
                    case "suites" -> suite = List.of(value.split("\\s+")).contains(SUITE);
                    case "components" -> main = List.of(value.split("\\s+")).contains("main");
                    case "types" -> deb = List.of(value.split("\\s+")).contains("deb");
                    case "enabled" -> enabled = !value.equalsIgnoreCase("no");
                    default -> {
                    }
                }
            }
            if (uris != null && suite && main && deb && enabled) {
                return Optional.of(uris);
            }
        }
        return Optional.empty();
    }

    static Ran exec(Duration timeout, String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        java.util.concurrent.CompletableFuture<String> output = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(output unreadable: " + e + ")";
            }
        });
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in " + timeout.toSeconds() + " s");
        }
        return new Ran(process.exitValue(), output.get(10, TimeUnit.SECONDS));
    }
}
