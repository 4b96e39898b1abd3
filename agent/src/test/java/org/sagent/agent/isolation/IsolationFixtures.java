package org.sagent.agent.isolation;

import java.nio.file.Files;
import java.nio.file.Path;
import org.sagent.agent.config.ConfigParser;
import org.sagent.agent.config.ConfigResult;
import org.sagent.agent.config.SagentConfig;

/** The test configuration (config/good.yaml: s0 and s1) with an isolation section added. */
final class IsolationFixtures {

    private IsolationFixtures() {
    }

    static SagentConfig config(String isolationSection) throws Exception {
        Path good = Path.of(IsolationFixtures.class.getResource("/config/good.yaml").toURI());
        ConfigResult result = ConfigParser.parse("test.yaml", Files.readString(good) + isolationSection);
        if (!(result instanceof ConfigResult.Valid valid)) {
            throw new AssertionError(result.problems().toString());
        }
        return valid.config();
    }
}
