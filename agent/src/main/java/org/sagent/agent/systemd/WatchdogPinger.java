package org.sagent.agent.systemd;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.sagent.agent.time.MonotonicClock;
import org.sagent.agent.time.MonotonicInstant;

/**
 * Pings systemd's watchdog at half of {@code WATCHDOG_USEC}, but only while the agent's main
 * loop proves it is alive ({@link #alive()} called recently): a wedged agent stops pinging and
 * systemd restarts it, which the addresses survive (adoption). "Recently" is measured on the
 * monotonic clock: a wall-clock step must neither stop the pings of a live loop nor keep
 * pinging for a dead one.
 */
public final class WatchdogPinger implements AutoCloseable {

    private final SystemdNotifier notifier;
    private final Duration period;
    private final MonotonicClock clock;
    private final AtomicReference<MonotonicInstant> lastAlive;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "systemd-watchdog");
        thread.setDaemon(true);
        return thread;
    });

    /** Not pinging yet: {@link #start} schedules the pings. */
    WatchdogPinger(SystemdNotifier notifier, Duration period, MonotonicClock clock) {
        this.notifier = notifier;
        this.period = period;
        this.clock = clock;
        this.lastAlive = new AtomicReference<>(clock.now());
    }

    /** Empty when systemd asked for no watchdog ({@code WATCHDOG_USEC} unset, or meant for another pid). */
    public static Optional<WatchdogPinger> fromEnvironment(SystemdNotifier notifier, MonotonicClock clock) {
        String usec = System.getenv("WATCHDOG_USEC");
        String pid = System.getenv("WATCHDOG_PID");
        if (usec == null || !usec.matches("\\d+") || !notifier.enabled()
                || (pid != null && !pid.equals(Long.toString(ProcessHandle.current().pid())))) {
            return Optional.empty();
        }
        return Optional.of(start(notifier, Duration.ofNanos(Long.parseLong(usec) * 1000).dividedBy(2), clock));
    }

    public static WatchdogPinger start(SystemdNotifier notifier, Duration period, MonotonicClock clock) {
        WatchdogPinger pinger = new WatchdogPinger(notifier, period, clock);
        pinger.timer.scheduleAtFixedRate(pinger::ping, 0, period.toMillis(), TimeUnit.MILLISECONDS);
        return pinger;
    }

    /** The main loop calls this each turn. */
    public void alive() {
        lastAlive.set(clock.now());
    }

    /** One tick of the timer: pings if the main loop was alive within the period; true if a ping went out. */
    boolean ping() {
        return clock.since(lastAlive.get()).compareTo(period) <= 0 && notifier.watchdog();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
