package org.sagent.agent.logging;

import org.slf4j.Marker;
import org.slf4j.MarkerFactory;

/**
 * Marks an INFO line an on-call administrator wants to see: an address taken or released.
 * SLF4J has no NOTICE level; {@link JournalAwareLayout} writes such a line with syslog priority 5
 * (notice), so {@code journalctl -p notice} shows every move and nothing of the routine.
 */
public final class Notice {

    public static final Marker NOTICE = MarkerFactory.getMarker("NOTICE");

    private Notice() {
    }
}
