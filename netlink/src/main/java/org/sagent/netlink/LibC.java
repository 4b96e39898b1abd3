package org.sagent.netlink;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.ptr.IntByReference;

/**
 * The few libc socket calls sagent needs, bound with JNA. Socket addresses and options are
 * passed as byte arrays encoded by the callers (native byte order where the kernel wants it),
 * which keeps every structure's layout visible in one place next to its encoder.
 *
 * <p>Every call throws {@link LastErrorException} on failure; {@link NativeSocket} turns
 * that into a {@link NetlinkException} that names the call and the errno.
 */
interface LibC extends Library {

    LibC INSTANCE = Native.load("c", LibC.class);

    int AF_NETLINK = 16;
    int AF_PACKET = 17;
    int SOCK_RAW = 3;
    int SOCK_DGRAM = 2;
    int SOCK_CLOEXEC = 0x80000;
    int SOL_SOCKET = 1;
    int SO_RCVBUF = 8;
    int SO_BINDTODEVICE = 25;
    int SOL_NETLINK = 270;
    int NETLINK_CAP_ACK = 10;
    int NETLINK_EXT_ACK = 11;
    int SOL_PACKET = 263;
    int PACKET_ADD_MEMBERSHIP = 1;
    int PACKET_MR_ALLMULTI = 2;
    short POLLIN = 0x1;
    int MSG_DONTWAIT = 0x40;

    int socket(int domain, int type, int protocol) throws LastErrorException;

    int bind(int fd, byte[] address, int addressLength) throws LastErrorException;

    int getsockname(int fd, byte[] address, IntByReference addressLength) throws LastErrorException;

    NativeLong sendto(int fd, byte[] buffer, NativeLong length, int flags, byte[] address, int addressLength)
            throws LastErrorException;

    NativeLong recvfrom(int fd, byte[] buffer, NativeLong length, int flags, byte[] address,
                        IntByReference addressLength) throws LastErrorException;

    int setsockopt(int fd, int level, int option, byte[] value, int valueLength) throws LastErrorException;

    int poll(byte[] pollfds, NativeLong count, int timeoutMillis) throws LastErrorException;

    int close(int fd) throws LastErrorException;

    int EFD_CLOEXEC = 0x80000;
    int EFD_NONBLOCK = 0x800;

    int eventfd(int initialValue, int flags) throws LastErrorException;

    NativeLong write(int fd, byte[] buffer, NativeLong count) throws LastErrorException;
}
