package org.sagent.netlink.lab;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A one-shot UDP echo for namespace tests, run as its own process inside a namespace.
 * {@code server ADDRESS PORT}: prints "listening", echoes one datagram, exits (gives up after 15 s).
 * {@code client ADDRESS PORT TEXT}: sends TEXT, prints the reply, exits 1 if none came within 5 s.
 */
public final class UdpEcho {

    private UdpEcho() {
    }

    public static void main(String[] args) throws Exception {
        InetAddress address = InetAddress.getByName(args[1]);
        int port = Integer.parseInt(args[2]);
        if (args[0].equals("server")) {
            try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(address, port))) {
                socket.setSoTimeout(15_000);
                System.out.println("listening");
                System.out.flush();
                DatagramPacket packet = new DatagramPacket(new byte[1500], 1500);
                socket.receive(packet);
                String text = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
                byte[] reply = ("echo " + text + " from " + packet.getAddress().getHostAddress())
                        .getBytes(StandardCharsets.UTF_8);
                socket.send(new DatagramPacket(reply, reply.length, packet.getSocketAddress()));
                System.out.println("served " + packet.getAddress().getHostAddress());
            }
            return;
        }
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(5_000);
            byte[] text = args[3].getBytes(StandardCharsets.UTF_8);
            socket.send(new DatagramPacket(text, text.length, address, port));
            DatagramPacket reply = new DatagramPacket(new byte[1500], 1500);
            socket.receive(reply);
            System.out.println(new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8));
        } catch (SocketTimeoutException e) {
            System.out.println("no reply");
            System.exit(1);
        }
    }
}
