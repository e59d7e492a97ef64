package io.pilot.engine.control;

import io.pilot.engine.address.PilotAddress;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Where pilotctl looks for a user's nodes. */
class ControlPathsTests {

    private static final Path HOME = Path.of("/home/ada");

    @Test
    void pilotHomeComesFirst() {
        assertThat(ControlPaths.defaultDirectory(Map.of("PILOT_HOME", "/opt/pilot", "XDG_RUNTIME_DIR", "/run/user/1000"), HOME))
                .isEqualTo(Path.of("/opt/pilot/run"));
    }

    @Test
    void thenTheRuntimeDirectory() {
        assertThat(ControlPaths.defaultDirectory(Map.of("XDG_RUNTIME_DIR", "/run/user/1000"), HOME))
                .isEqualTo(Path.of("/run/user/1000/pilot"));
    }

    @Test
    void thenTheHomeDirectory() {
        assertThat(ControlPaths.defaultDirectory(Map.of(), HOME)).isEqualTo(Path.of("/home/ada/.pilot/run"));
    }

    @Test
    void socketIsNamedAfterTheHostnameOrTheAddress() {
        PilotAddress address = new PilotAddress(1, 0x2aL);

        assertThat(ControlPaths.socketName("alpha", address)).isEqualTo("alpha.sock");
        assertThat(ControlPaths.socketName(null, address)).isEqualTo("node-" + address + ".sock");
    }
}
