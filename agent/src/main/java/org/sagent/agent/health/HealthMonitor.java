package org.sagent.agent.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.sagent.agent.time.MonotonicClock;
import org.sagent.agent.time.MonotonicInstant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every check on its interval with a timeout, applies rise/fall hysteresis and reports
 * the node's health after every result.
 *
 * <p>Threads: one scheduler thread ({@code health-scheduler}) owns all state; checks run on
 * a worker pool with one thread per check at most. A run that passes its timeout counts as
 * failed, and so does every interval while it still hangs; no second run of that check starts
 * until the hung one returns. A stuck OCFS2 write therefore costs one blocked thread, never
 * more, and never blocks the agent.
 *
 * <p>At start-up the gate need not wait {@code rise} intervals: a check that passes and has not
 * risen yet runs again after {@link #RISE_PAUSE} (spec 4). One that fails after a pass before
 * it has risen, a flapping service, loses that and rises at the interval.
 */
public final class HealthMonitor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HealthMonitor.class);
    /** Between a check's start-up passes until it has risen (or the interval, if shorter). */
    public static final Duration RISE_PAUSE = Duration.ofMillis(200);

    private final Map<String, HealthCheck> checks = new LinkedHashMap<>();
    private final Map<String, CheckState> states = new LinkedHashMap<>();
    private final Map<String, Run> inFlight = new LinkedHashMap<>();
    /** Each check's start-up pace: quick passes until it has flapped. */
    private final Map<String, RisePace.Pace> paces = new LinkedHashMap<>();
    private final Duration interval;
    private final Duration timeout;
    private final int rise;
    private final int fall;
    /** Runs' durations, timeouts and results' times: the monotonic clock, never the wall clock. */
    private final MonotonicClock clock;
    private final Consumer<HealthView> listener;
    private final ScheduledExecutorService scheduler;
    private final ThreadPoolExecutor workers;
    private final AtomicInteger runIds = new AtomicInteger();
    private String lastSummary = "";

    /** A run in progress: when it started, and whether its timeout has been reported already. */
    private static final class Run {
        final int id;
        final MonotonicInstant started;
        boolean timedOut;

        Run(int id, MonotonicInstant started) {
            this.id = id;
            this.started = started;
        }
    }

    public HealthMonitor(List<HealthCheck> checkList, Duration interval, Duration timeout, int rise, int fall,
                         MonotonicClock clock, Consumer<HealthView> listener) {
        for (HealthCheck check : checkList) {
            checks.put(check.name(), check);
            states.put(check.name(), CheckState.initial(check.name()));
        }
        this.interval = interval;
        this.timeout = timeout;
        this.rise = rise;
        this.fall = fall;
        this.clock = clock;
        this.listener = listener;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> thread(r, "health-scheduler"));
        AtomicInteger workerNumber = new AtomicInteger();
        // One thread per check at most: a hung run keeps its thread, the others keep theirs.
        this.workers = new ThreadPoolExecutor(0, Math.max(1, checkList.size()), 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> thread(r, "health-check-" + workerNumber.incrementAndGet()));
    }

    private static Thread thread(Runnable r, String name) {
        Thread thread = new Thread(r, name);
        thread.setDaemon(true);
        return thread;
    }

    public void start() {
        scheduler.scheduleWithFixedDelay(this::tick, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs {@code name} now (an event said its input changed), unless a run is already in flight. */
    public void runNow(String name) {
        if (checks.containsKey(name) && !scheduler.isShutdown()) {
            try {
                scheduler.execute(() -> launch(name));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closing
            }
        }
    }

    /** The current view, computed on the scheduler thread. */
    public HealthView view() {
        try {
            return scheduler.submit(this::snapshot).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the health scheduler did not answer: " + e, e);
        }
    }

    /** Worker threads currently busy (hung ones included): for tests and status. */
    public int busyWorkers() {
        return workers.getActiveCount();
    }

    private void tick() {
        for (String name : checks.keySet()) {
            launch(name);
        }
    }

    private void launch(String name) {
        MonotonicInstant now = clock.now();
        Run running = inFlight.get(name);
        if (running != null) {
            // Once a run has timed out, every turn it still hangs counts as another failure.
            if (running.timedOut) {
                Duration hung = now.since(running.started);
                apply(name, new CheckResult(CheckOutcome.fail("did not finish within " + timeoutOf(name).toMillis()
                        + " ms; hung for " + hung.toMillis() + " ms (no new run until it returns)"), now, hung));
            }
            return;
        }
        Run run = new Run(runIds.incrementAndGet(), now);
        inFlight.put(name, run);
        HealthCheck check = checks.get(name);
        workers.execute(() -> {
            MonotonicInstant start = clock.now();
            CheckOutcome outcome;
            try {
                outcome = check.check();
            } catch (Exception e) {
                outcome = CheckOutcome.fail("check failed: " + e.getMessage());
            } catch (Error e) {
                outcome = CheckOutcome.fail("check failed: " + e);
            }
            Duration took = clock.since(start);
            CheckOutcome result = outcome;
            try {
                scheduler.execute(() -> finish(name, run, result, took));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // the monitor was closed while this run was going on: nobody wants the result
            }
        });
        scheduleExpiry(name, run);
    }

    private void scheduleExpiry(String name, Run run) {
        MonotonicInstant due = clock.now().plus(timeoutOf(name));
        scheduler.schedule(() -> expire(name, run, due), timeoutOf(name).toMillis(), TimeUnit.MILLISECONDS);
    }

    private void expire(String name, Run run, MonotonicInstant due) {
        if (inFlight.get(name) != run || run.timedOut) {
            return;
        }
        if (clock.since(due).compareTo(timeoutOf(name)) > 0) {
            // This timer itself ran late: the whole process stood still (SIGSTOP, a paused
            // machine), not the check. Give the run its time again rather than fail it.
            scheduleExpiry(name, run);
            return;
        }
        run.timedOut = true;
        MonotonicInstant now = clock.now();
        apply(name, new CheckResult(CheckOutcome.fail("did not finish within " + timeoutOf(name).toMillis() + " ms"),
                now, now.since(run.started)));
    }

    private void finish(String name, Run run, CheckOutcome outcome, Duration took) {
        if (inFlight.get(name) != run) {
            return;
        }
        inFlight.remove(name);
        if (run.timedOut) {
            log.info("check {} returned after {} ms, past its timeout; its result is not counted", name, took.toMillis());
            return;
        }
        apply(name, new CheckResult(outcome, clock.now(), took));
    }

    /** Before a check has risen: a pass brings its next run forward, unless it has flapped. */
    private void riseSooner(String name, CheckState before, CheckState after) {
        RisePace.Pace was = paces.getOrDefault(name, RisePace.Pace.QUICK);
        RisePace.Pace pace = RisePace.after(was, before, after);
        paces.put(name, pace);
        if (pace != was) {
            log.info("check {} failed after a pass while starting: it rises at the interval ({} ms), not {} ms apart",
                    name, interval.toMillis(), RISE_PAUSE.toMillis());
        }
        if (RisePace.runSooner(pace, after) && RISE_PAUSE.compareTo(interval) < 0) {
            scheduler.schedule(() -> launch(name), RISE_PAUSE.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private Duration timeoutOf(String name) {
        return checks.get(name).timeout().orElse(timeout);
    }

    private void apply(String name, CheckResult result) {
        CheckState before = states.get(name);
        int fallOf = checks.get(name).failsAtOnce() ? 1 : fall;
        CheckState after = before.next(result, rise, fallOf);
        states.put(name, after);
        if (!after.risen()) {
            riseSooner(name, before, after);
        }
        if (before.healthy() != after.healthy()) {
            if (after.healthy()) {
                log.info("check {} is healthy after {} passes: {}", name, rise, result.outcome().reason());
            } else if (before.risen()) {
                log.warn("check {} failed {} times in a row: {}", name, fallOf, result.outcome().reason());
            }
        } else if (!after.healthy() && before.last().map(r -> !r.outcome().reason().equals(result.outcome().reason()))
                .orElse(true) && !result.outcome().passed()) {
            log.info("check {} failing: {}", name, result.outcome().reason());
        } else if (after.degraded() && !before.degraded()) {
            log.warn("check {} degraded: {}", name, result.outcome().reason());
        }
        HealthView view = snapshot();
        String summary = view.summary();
        if (!summary.equals(lastSummary)) {
            lastSummary = summary;
            log.info("health: {}", summary);
        }
        listener.accept(view);
    }

    private HealthView snapshot() {
        return new HealthView(new ArrayList<>(states.values()), rise);
    }

    /** Stops scheduling; hung worker threads are daemons and are left to the process's end. */
    @Override
    public void close() {
        scheduler.shutdownNow();
        workers.shutdownNow();
    }
}
