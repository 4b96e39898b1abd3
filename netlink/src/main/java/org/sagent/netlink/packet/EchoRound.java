package org.sagent.netlink.packet;

import java.net.Inet4Address;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one round of echo requests found.
 *
 * @param outcomes         by host asked, in the order asked
 * @param unmatchedReplies echo replies from a host asked that answered none of this round's
 *                         requests: forged, replayed, late, or answering another program's ping
 */
public record EchoRound(Map<Inet4Address, Echo> outcomes, int unmatchedReplies) {

    public EchoRound {
        outcomes = Collections.unmodifiableMap(new LinkedHashMap<>(outcomes));
    }

    /** The hosts that answered, in the order asked. */
    public List<Inet4Address> answered() {
        return outcomes.entrySet().stream().filter(e -> e.getValue() instanceof Echo.Answered).map(Map.Entry::getKey)
                .toList();
    }
}
