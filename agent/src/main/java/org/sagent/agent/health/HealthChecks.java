package org.sagent.agent.health;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.sagent.agent.config.HealthSettings;
import org.sagent.agent.health.drbd.DrbdCheck;
import org.sagent.agent.health.drbd.DrbdEventStream;
import org.sagent.agent.health.ocfs2.Ocfs2Check;
import org.sagent.agent.health.samba.SambaCheck;
import org.sagent.agent.health.samba.UnitCgroup;
import org.sagent.agent.health.script.ScriptCheck;

/** Builds the configured checks and the event sources that feed them; closes those sources. */
public final class HealthChecks implements AutoCloseable {

    private final List<HealthCheck> checks = new ArrayList<>();
    private final List<AutoCloseable> sources = new ArrayList<>();
    private DrbdEventStream drbd;
    private LinkCarrierWatcher carrier;

    /**
     * @param lanInterfaces the interfaces carrying public addresses: each gets a carrier check
     * @param node          this node's name, in the OCFS2 write check's file name
     * @param changed       told the name of a check whose input just changed (an event), so it can
     *                      run at once rather than at its next interval
     */
    public HealthChecks(HealthSettings health, Set<String> lanInterfaces, String node, CommandRunner runner,
                        Consumer<String> changed) {
        health.drbd().ifPresent(d -> {
            drbd = new DrbdEventStream("drbdsetup", resource -> {
                for (String r : d.resources()) {
                    if (resource.isEmpty() || resource.equals(r)) {
                        changed.accept("drbd:" + r);
                    }
                }
            });
            sources.add(drbd);
            d.resources().forEach(r -> checks.add(new DrbdCheck(r, drbd)));
        });
        health.ocfs2().ifPresent(o -> checks.add(new Ocfs2Check(o.mount(), o.cluster(), Path.of("/proc/self/mountinfo"),
                Path.of("/sys/kernel/config/cluster"), ".sagent-probe-" + node)));
        health.samba().ifPresent(s -> checks.add(s.unit().isPresent()
                ? SambaCheck.unit(s.unit().get(), UnitCgroup.of(s.unit().get(), Path.of("/proc/self/mountinfo")),
                        health.timeout(), runner)
                : SambaCheck.port(s.port().orElse(445), health.timeout())));
        for (HealthSettings.Script script : health.scripts()) {
            checks.add(new ScriptCheck(script.name(), script.command(), script.timeout(), runner));
        }
        Set<String> interfaces = new LinkedHashSet<>(lanInterfaces);
        carrier = LinkCarrierWatcher.start(interfaces, name -> changed.accept("carrier:" + name));
        sources.add(carrier);
        interfaces.forEach(i -> checks.add(new CarrierCheck(i, carrier)));
    }

    public List<HealthCheck> checks() {
        return List.copyOf(checks);
    }

    /** Starts the event sources that need a start (the DRBD event stream). */
    public void start() {
        if (drbd != null) {
            drbd.start();
        }
    }

    @Override
    public void close() {
        for (AutoCloseable source : sources) {
            try {
                source.close();
            } catch (Exception e) {
                // closing on the way out: nothing better to do
            }
        }
    }
}
