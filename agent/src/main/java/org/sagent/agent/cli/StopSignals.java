package org.sagent.agent.cli;

import java.util.function.Consumer;
import sun.misc.Signal;

/** Turns SIGTERM and SIGINT into an orderly stop request instead of the JVM's abrupt exit. */
final class StopSignals {

    private StopSignals() {
    }

    static void onStop(Consumer<String> stop) {
        // sun.misc.Signal is the JDK's supported-but-unofficial signal API (module jdk.unsupported);
        // nothing else lets a Java daemon exit 0 on SIGTERM.
        Signal.handle(new Signal("TERM"), signal -> stop.accept("SIGTERM"));
        Signal.handle(new Signal("INT"), signal -> stop.accept("SIGINT"));
    }
}
