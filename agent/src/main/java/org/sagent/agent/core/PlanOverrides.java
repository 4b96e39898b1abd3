package org.sagent.agent.core;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The rules that override the allocation's plan for this node, in order: a fenced node
 * releases everything and takes nothing (spec 7.3), whether or not another node can take it;
 * a node takes nothing until every member has said what it holds, or had time enough to
 * (an address may look free that is not).
 */
public final class PlanOverrides {

    private PlanOverrides() {
    }

    /**
     * @param held                 what this node holds now
     * @param fenced               this node is fenced
     * @param heardFromEveryMember see {@link #heardFromEveryMember}
     */
    public static ReconcilePlan apply(ReconcilePlan plan, Set<String> held, boolean fenced,
                                      boolean heardFromEveryMember) {
        if (fenced) {
            return new ReconcilePlan(List.copyOf(held), List.of(), List.of());
        }
        if (!plan.take().isEmpty() && !heardFromEveryMember) {
            return new ReconcilePlan(plan.release(), List.of(), plan.waiting());
        }
        return plan;
    }

    /**
     * Every other member of the view that is not suspected has published a state, or the view
     * is older than three publish intervals (a member that never publishes must not block takes
     * for ever: the take-time probe still guards against a duplicate).
     *
     * @param heardFrom     the members whose state this node has received since the view
     * @param viewAge       how long ago the view changed
     * @param publishEvery  how often every node publishes its state
     */
    public static boolean heardFromEveryMember(String self, Set<String> view, Set<String> suspected,
                                               Set<String> heardFrom, Duration viewAge, Duration publishEvery) {
        boolean all = view.stream().filter(n -> !n.equals(self) && !suspected.contains(n))
                .allMatch(heardFrom::contains);
        return all || viewAge.compareTo(publishEvery.multipliedBy(3)) > 0;
    }
}
