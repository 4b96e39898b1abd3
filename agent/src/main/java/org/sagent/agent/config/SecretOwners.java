package org.sagent.agent.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who may own the cluster secret file: root, and the user the agent runs as. Whoever owns the
 * file can change its mode or its content, so any other owner can read the secret (and speak
 * for a node) or replace it. Injected so that the rule is testable without root.
 *
 * @param uids the numeric user ids allowed to own it
 */
public record SecretOwners(Set<Integer> uids) {

    static final int ROOT = 0;
    private static final Path PROCESS_STATUS = Path.of("/proc/self/status");

    public SecretOwners {
        uids = Set.copyOf(uids);
    }

    /** Root and this process's effective user: sagent reads the secret as that user. */
    public static SecretOwners ofThisProcess() {
        return effectiveUid().map(SecretOwners::rootAnd).orElseGet(() -> new SecretOwners(Set.of(ROOT)));
    }

    /** Root and {@code uid} (which may be root itself). */
    public static SecretOwners rootAnd(int uid) {
        return new SecretOwners(new TreeSet<>(List.of(ROOT, uid)));
    }

    /** Why {@code file}'s owner may not hold the secret, or empty when it may. */
    Optional<String> problem(Path file) {
        int owner;
        String name;
        try {
            owner = (Integer) Files.getAttribute(file, "unix:uid");
            name = Files.getOwner(file).getName();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return Optional.of("cannot be checked: its owner cannot be read (" + e.getMessage() + ")");
        }
        if (uids.contains(owner)) {
            return Optional.empty();
        }
        String allowed = new TreeSet<>(uids).stream()
                .map(uid -> uid == ROOT ? "root" : "the user sagent runs as (uid " + uid + ")")
                .collect(java.util.stream.Collectors.joining(" or "));
        return Optional.of("is owned by " + (name.equals(Integer.toString(owner)) ? "uid " + owner
                : name + " (uid " + owner + ")") + ", not by " + allowed + ": its owner can read or replace the "
                + "secret; chown root:root " + file);
    }

    /** The effective uid from /proc/self/status ("Uid: real effective saved filesystem"). */
    private static Optional<Integer> effectiveUid() {
        try {
            return Files.readAllLines(PROCESS_STATUS).stream()
                    .filter(line -> line.startsWith("Uid:"))
                    .map(line -> line.substring(4).trim().split("\\s+"))
                    .filter(fields -> fields.length >= 2 && fields[1].matches("\\d{1,10}"))
                    .map(fields -> Integer.parseUnsignedInt(fields[1]))
                    .findFirst();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
