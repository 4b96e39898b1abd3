package org.sagent.netlink;

/** Socket constants from the Linux headers, for the packages of this module. */
public final class LibCConstants {

    public static final int AF_UNIX = 1;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final int AF_NETLINK = LibC.AF_NETLINK;
    public static final int AF_PACKET = LibC.AF_PACKET;
    public static final int SOCK_RAW = LibC.SOCK_RAW;
    public static final int SOCK_DGRAM = LibC.SOCK_DGRAM;
    public static final int SOL_SOCKET = LibC.SOL_SOCKET;
    public static final int SO_RCVBUF = LibC.SO_RCVBUF;
    public static final int SO_BINDTODEVICE = LibC.SO_BINDTODEVICE;
    public static final int SOL_NETLINK = LibC.SOL_NETLINK;
    public static final int NETLINK_CAP_ACK = LibC.NETLINK_CAP_ACK;
    public static final int NETLINK_EXT_ACK = LibC.NETLINK_EXT_ACK;
    public static final int SOL_PACKET = LibC.SOL_PACKET;
    public static final int PACKET_ADD_MEMBERSHIP = LibC.PACKET_ADD_MEMBERSHIP;
    public static final int PACKET_MR_ALLMULTI = LibC.PACKET_MR_ALLMULTI;

    private LibCConstants() {
    }
}
