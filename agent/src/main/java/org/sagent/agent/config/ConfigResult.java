package org.sagent.agent.config;

import java.util.List;

/** The outcome of reading a configuration file: a valid configuration, or what is wrong with it. */
public sealed interface ConfigResult {

    /** Everything found, errors first, each with its position. */
    List<ConfigProblem> problems();

    /** The file is valid; {@code warnings} may still name things worth fixing. */
    record Valid(SagentConfig config, List<ConfigProblem> problems) implements ConfigResult {
        public Valid {
            problems = List.copyOf(problems);
        }
    }

    /** The file cannot be used; {@code problems} holds at least one error. */
    record Invalid(List<ConfigProblem> problems) implements ConfigResult {
        public Invalid {
            problems = List.copyOf(problems);
            if (problems.stream().noneMatch(ConfigProblem::isError)) {
                throw new IllegalArgumentException("an invalid configuration needs at least one error");
            }
        }
    }
}
