package org.sagent.agent.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.Node;

/** Collects problems while a file is read, so one run of check-config shows all of them. */
final class ProblemSink {

    private final String file;
    private final List<ConfigProblem> problems = new ArrayList<>();

    ProblemSink(String file) {
        this.file = file;
    }

    String file() {
        return file;
    }

    void error(Node at, String message) {
        add(at, ConfigProblem.Severity.ERROR, message);
    }

    void warning(Node at, String message) {
        add(at, ConfigProblem.Severity.WARNING, message);
    }

    void error(int line, int column, String message) {
        problems.add(new ConfigProblem(file, line, column, ConfigProblem.Severity.ERROR, message));
    }

    void warning(int line, int column, String message) {
        problems.add(new ConfigProblem(file, line, column, ConfigProblem.Severity.WARNING, message));
    }

    boolean hasErrors() {
        return problems.stream().anyMatch(ConfigProblem::isError);
    }

    /** Errors before warnings, each group in file order. */
    List<ConfigProblem> sorted() {
        List<ConfigProblem> copy = new ArrayList<>(problems);
        copy.sort(Comparator.comparing(ConfigProblem::severity)
                .thenComparingInt(ConfigProblem::line)
                .thenComparingInt(ConfigProblem::column));
        return copy;
    }

    private void add(Node at, ConfigProblem.Severity severity, String message) {
        Mark mark = at.getStartMark().orElse(null);
        int line = mark == null ? 1 : mark.getLine() + 1;
        int column = mark == null ? 1 : mark.getColumn() + 1;
        problems.add(new ConfigProblem(file, line, column, severity, message));
    }
}
