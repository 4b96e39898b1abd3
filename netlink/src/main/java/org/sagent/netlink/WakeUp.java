package org.sagent.netlink;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Ends a {@link NativeSocket#receive} waiting on another thread at once: an eventfd that the
 * receive's poll(2) watches beside the socket. Once signalled it stays so. A listener that is
 * woken to stop can wait for packets without a timeout, instead of waking every few hundred
 * milliseconds to see whether it should.
 */
public final class WakeUp implements AutoCloseable {

    private final int fd;
    private volatile boolean closed;

    private WakeUp(int fd) {
        this.fd = fd;
    }

    public static WakeUp open() {
        try {
            return new WakeUp(LibC.INSTANCE.eventfd(0, LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK));
        } catch (LastErrorException e) {
            throw new NetlinkException(e.getErrorCode(), "opening an eventfd to wake a listener");
        }
    }

    /** Wakes every receive that waits on this, now and later. Any thread. */
    public synchronized void signal() {
        if (closed) {
            return;
        }
        byte[] one = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(1).array();
        try {
            LibC.INSTANCE.write(fd, one, new NativeLong(one.length));
        } catch (LastErrorException e) {
            // EAGAIN: the counter is full, so it is signalled already
        }
    }

    int fd() {
        return fd;
    }

    /** After the receivers it woke have returned. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            try {
                LibC.INSTANCE.close(fd);
            } catch (LastErrorException e) {
                // the descriptor is gone either way
            }
        }
    }
}
