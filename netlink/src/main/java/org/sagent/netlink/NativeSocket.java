package org.sagent.netlink;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;
import com.sun.jna.ptr.IntByReference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Optional;

/**
 * A socket file descriptor with the calls sagent uses, errno turned into {@link NetlinkException}.
 * Receives wait with poll(2) so every one has a timeout. Not thread-safe by itself: each owner
 * says how it is shared.
 */
public final class NativeSocket implements AutoCloseable {

    private final int fd;
    private final String description;
    private volatile boolean closed;

    private NativeSocket(int fd, String description) {
        this.fd = fd;
        this.description = description;
    }

    public static NativeSocket open(int domain, int type, int protocol, String description) {
        try {
            int fd = LibC.INSTANCE.socket(domain, type | LibC.SOCK_CLOEXEC, protocol);
            return new NativeSocket(fd, description);
        } catch (LastErrorException e) {
            throw new NetlinkException(e.getErrorCode(), "opening " + description);
        }
    }

    public void bind(byte[] address, String what) {
        try {
            LibC.INSTANCE.bind(fd, address, address.length);
        } catch (LastErrorException e) {
            throw new NetlinkException(e.getErrorCode(), "binding " + description + " " + what);
        }
    }

    public byte[] localAddress(int size) {
        byte[] address = new byte[size];
        IntByReference length = new IntByReference(size);
        try {
            LibC.INSTANCE.getsockname(fd, address, length);
        } catch (LastErrorException e) {
            throw new NetlinkException(e.getErrorCode(), "reading the address of " + description);
        }
        return address;
    }

    public void setOption(int level, int option, int value, String what) {
        byte[] bytes = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array();
        setOption(level, option, bytes, what);
    }

    public void setOption(int level, int option, byte[] value, String what) {
        try {
            LibC.INSTANCE.setsockopt(fd, level, option, value, value.length);
        } catch (LastErrorException e) {
            throw new NetlinkException(e.getErrorCode(), "setting " + what + " on " + description);
        }
    }

    /** Sends one datagram; {@code what} says what it was, for the error message. */
    public void send(byte[] data, int length, byte[] address, String what) {
        try {
            LibC.INSTANCE.sendto(fd, data, new NativeLong(length), 0, address, address == null ? 0 : address.length);
        } catch (LastErrorException e) {
            throw new NetlinkException(e.getErrorCode(), what);
        }
    }

    /**
     * Waits at most {@code timeout} for a datagram and reads it into {@code buffer}; empty on timeout.
     * An {@code ENOBUFS} (the kernel dropped messages for us) is thrown for the caller to resynchronise.
     */
    public Optional<Integer> receive(byte[] buffer, Duration timeout, byte[] sourceAddress) {
        return receive(buffer, timeout, sourceAddress, null);
    }

    /** As {@link #receive(byte[], Duration, byte[])}, and empty at once when {@code wake} is signalled (null: none). */
    public Optional<Integer> receive(byte[] buffer, Duration timeout, byte[] sourceAddress, WakeUp wake) {
        ByteBuffer fds = ByteBuffer.allocate(wake == null ? 8 : 16).order(ByteOrder.nativeOrder());
        fds.putInt(fd).putShort(LibC.POLLIN).putShort((short) 0);
        if (wake != null) {
            fds.putInt(wake.fd()).putShort(LibC.POLLIN).putShort((short) 0);
        }
        byte[] pollfd = fds.array();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = Math.max(0, deadline - System.nanoTime());
            int ready;
            try {
                ready = LibC.INSTANCE.poll(pollfd, new NativeLong(wake == null ? 1 : 2), (int) Math.min(
                        Integer.MAX_VALUE, (left + 999_999) / 1_000_000));
            } catch (LastErrorException e) {
                if (e.getErrorCode() == Errno.EINTR) {
                    continue;
                }
                throw new NetlinkException(e.getErrorCode(), "waiting on " + description);
            }
            if (ready == 0 || (wake != null && ByteBuffer.wrap(pollfd).order(ByteOrder.nativeOrder()).getShort(14) != 0)) {
                return Optional.empty(); // timed out, or woken
            }
            try {
                IntByReference addressLength = new IntByReference(sourceAddress == null ? 0 : sourceAddress.length);
                long n = LibC.INSTANCE.recvfrom(fd, buffer, new NativeLong(buffer.length), LibC.MSG_DONTWAIT,
                        sourceAddress, sourceAddress == null ? null : addressLength).longValue();
                return Optional.of((int) n);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == Errno.EAGAIN || e.getErrorCode() == Errno.EINTR) {
                    if (System.nanoTime() >= deadline) {
                        return Optional.empty();
                    }
                    continue;
                }
                throw new NetlinkException(e.getErrorCode(), "receiving on " + description);
            }
        }
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            try {
                LibC.INSTANCE.close(fd);
            } catch (LastErrorException e) {
                // Nothing useful to do: the descriptor is gone either way.
            }
        }
    }

    @Override
    public String toString() {
        return description + " (fd " + fd + ")";
    }
}
