package org.sagent.netlink.lab;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * Long-lived TCP connections for namespace tests, run as its own process inside a namespace.
 * {@code server ADDRESS PORT}: prints "listening", then for each connection "accepted PORT" and,
 * when it ends, "closed PORT REASON"; gives up after 60 s.
 * {@code client ADDRESS PORT}: connects, prints "connected LOCALPORT", sends nothing and waits;
 * prints "reset" when the connection is reset, "eof" when closed, "timeout" after 60 s.
 */
public final class TcpHold {

    private TcpHold() {
    }

    public static void main(String[] args) throws Exception {
        InetAddress address = InetAddress.getByName(args[1]);
        int port = Integer.parseInt(args[2]);
        if (args[0].equals("server")) {
            try (ServerSocket server = new ServerSocket()) {
                server.bind(new InetSocketAddress(address, port));
                server.setSoTimeout(60_000);
                say("listening");
                while (true) {
                    Socket socket = server.accept();
                    say("accepted " + socket.getPort());
                    Thread reader = new Thread(() -> hold(socket, "closed " + socket.getPort()));
                    reader.setDaemon(true);
                    reader.start();
                }
            } catch (java.net.SocketTimeoutException e) {
                say("timeout");
            }
            return;
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 5_000);
            socket.setSoTimeout(60_000);
            say("connected " + socket.getLocalPort());
            hold(socket, "");
        }
    }

    private static void hold(Socket socket, String prefix) {
        String end;
        try (InputStream in = socket.getInputStream()) {
            end = in.read() < 0 ? "eof" : "data";
        } catch (java.net.SocketTimeoutException e) {
            end = "timeout";
        } catch (IOException e) {
            end = e.getMessage() != null && e.getMessage().toLowerCase().contains("reset") ? "reset" : "error " + e;
        }
        say((prefix.isEmpty() ? "" : prefix + " ") + end);
    }

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
