package io.pilot.engine.control;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.directory.DirectoryClient;

/**
 * Turns what an operator types as a target, a hostname or an address ({@code N:XXXX.XXXX.XXXX}), into an
 * address, so that every command accepts both.
 */
final class Targets {

    private final DirectoryClient directory;
    private final Completion completion;

    /** @param directory resolves hostnames; null when the node has no backbone (addresses only) */
    Targets(DirectoryClient directory, Completion completion) {
        this.directory = directory;
        this.completion = completion;
    }

    /**
     * An address is taken as it is (the node asks the directory itself if it has not met the peer); a
     * hostname is looked up in the directory.
     */
    PilotAddress resolve(String target) {
        if (target.indexOf(':') >= 0) {
            try {
                return PilotAddress.parse(target);
            } catch (IllegalArgumentException e) {
                throw new ControlException(ControlError.BAD_REQUEST, "'" + target + "' is not an address: " + e.getMessage());
            }
        }
        if (directory == null) {
            throw new ControlException(ControlError.UNAVAILABLE, "cannot resolve hostname '" + target
                    + "': this node has no backbone directory; give the address (N:XXXX.XXXX.XXXX) instead");
        }
        return completion.await(directory.lookup(target)).address();
    }
}
