package org.sagent.agent.cluster;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An SMB client as users have one: one session (smbclient) kept open, a small file written
 * every 100 ms, and on the first error a new session, as Windows or cifs.ko reconnect. Run in
 * the client's namespace. smbclient reports each write on standard error at once ("putting
 * file ..." or an NT_STATUS error). Prints "S MILLIS" for each successful write, "F MILLIS WHY" when a
 * session fails, "C MILLIS" when a session starts; ends after its duration.
 * smbclient itself notices a reset connection only at its next echo, every 5 s; SMB clients in
 * daily use (Windows, cifs.ko) react to the reset at once. So the loop watches its session's TCP
 * connection in /proc/net/tcp and treats its disappearance as the session's failure.
 * Args: SHARE (//ADDRESS/share) LOCAL-FILE SECONDS.
 */
public final class SmbClientLoop {

    private static final long OP_TIMEOUT_MS = 40_000;

    private SmbClientLoop() {
    }

    public static void main(String[] args) throws Exception {
        String share = args[0];
        String server = share.substring(2, share.indexOf('/', 2));
        String file = args[1];
        long end = System.currentTimeMillis() + Long.parseLong(args[2]) * 1000;
        int n = 0;
        while (System.currentTimeMillis() < end) {
            Process smb = new ProcessBuilder("smbclient", "-N", share, "-t", "30")
                    .redirectErrorStream(true).start();
            say("C " + System.currentTimeMillis());
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(smb.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        lines.add(line);
                    }
                } catch (Exception e) {
                    // the session ended
                }
                lines.add("<eof>");
            });
            reader.setDaemon(true);
            reader.start();
            Writer out = new OutputStreamWriter(smb.getOutputStream(), StandardCharsets.UTF_8);
            String failure = null;
            boolean sessionSeen = false;
            try {
                while (failure == null && System.currentTimeMillis() < end) {
                    n++;
                    // One command per write, its answer awaited: smbclient polls its input before reading a
                    // line, so a second line already in its buffer would wait for more input.
                    out.write("put " + file + " f" + (n % 50) + "\n");
                    out.flush();
                    boolean putOk = false;
                    long deadline = System.currentTimeMillis() + OP_TIMEOUT_MS;
                    while (!putOk && failure == null) {
                        String line = lines.poll(20, TimeUnit.MILLISECONDS);
                        if (line == null && sessionSeen && !established(server)) {
                            failure = "the session's TCP connection was reset";
                        } else if (line == null && System.currentTimeMillis() < deadline) {
                            continue;
                        } else if (line == null) {
                            failure = "no answer in " + OP_TIMEOUT_MS + " ms";
                        } else if (line.equals("<eof>")) {
                            failure = "smbclient ended";
                        } else if (line.contains("putting file")) {
                            putOk = true;
                        } else {
                            say("L " + System.currentTimeMillis() + " " + line.strip());
                            if (line.contains("NT_STATUS")) {
                                failure = line.strip();
                            }
                        }
                    }
                    if (failure == null) {
                        sessionSeen = sessionSeen || established(server);
                        say("S " + System.currentTimeMillis());
                    }
                    if (failure == null) {
                        Thread.sleep(100); // paces the writes: one every 100 ms
                    }
                }
            } catch (java.io.IOException e) {
                failure = "smbclient's input closed: " + e.getMessage();
            }
            if (failure != null) {
                say("F " + System.currentTimeMillis() + " " + failure);
            }
            smb.destroyForcibly();
            smb.waitFor(5, TimeUnit.SECONDS);
            if (failure != null) {
                Thread.sleep(100); // as a client's reconnect back-off starts
            }
        }
    }

    /** An established TCP connection to SERVER:445 in this namespace, from /proc/net/tcp. */
    static boolean established(String server) throws java.io.IOException {
        byte[] ip = java.net.InetAddress.getByName(server).getAddress();
        // The kernel prints the address as the 32-bit word in host (little-endian) order.
        String remote = String.format("%02X%02X%02X%02X:01BD", ip[3], ip[2], ip[1], ip[0]);
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/net/tcp"))) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 3 && f[2].equals(remote) && f[3].equals("01")) {
                return true;
            }
        }
        return false;
    }

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
