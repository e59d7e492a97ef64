package io.pilot.spring.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The observations of capability calls. Low-cardinality keys take values from bounded sets only (capability
 * names the agents declare, {@link io.pilot.engine.message.ErrorCode} names, {@link PilotPath} values), so they are
 * safe as metric tags; high-cardinality keys (addresses, hostnames) go to spans only.
 */
public enum PilotObservationDocumentation implements ObservationDocumentation {

    /**
     * A capability call made through {@code PilotClient}, from sending the request to receiving its reply or
     * failure, provider lookup and failovers included. Injects the trace context into the request's headers.
     */
    CLIENT_REQUEST {
        @Override
        public String getName() {
            return DefaultPilotClientObservationConvention.NAME;
        }

        @Override
        public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
            return DefaultPilotClientObservationConvention.class;
        }

        @Override
        public KeyName[] getLowCardinalityKeyNames() {
            return LowCardinalityKeys.values();
        }

        @Override
        public KeyName[] getHighCardinalityKeyNames() {
            return new KeyName[] {HighCardinalityKeys.TARGET, HighCardinalityKeys.PEER_ADDRESS, HighCardinalityKeys.PEER_HOSTNAME};
        }

        @Override
        public String getPrefix() {
            return "pilot.";
        }
    },

    /**
     * A capability request served by this agent, from its arrival to the reply: the capability method runs in
     * this observation's scope, so the spans and observations it starts (including its own capability calls)
     * are its children. Extracts the caller's trace context from the request's headers.
     */
    SERVER_REQUEST {
        @Override
        public String getName() {
            return DefaultPilotServerObservationConvention.NAME;
        }

        @Override
        public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
            return DefaultPilotServerObservationConvention.class;
        }

        @Override
        public KeyName[] getLowCardinalityKeyNames() {
            return LowCardinalityKeys.values();
        }

        @Override
        public KeyName[] getHighCardinalityKeyNames() {
            return new KeyName[] {HighCardinalityKeys.PEER_ADDRESS};
        }

        @Override
        public String getPrefix() {
            return "pilot.";
        }
    };

    /** Keys whose values come from bounded sets: usable as metric tags. */
    public enum LowCardinalityKeys implements KeyName {

        /**
         * The capability called. On the server, a capability this agent does not serve is reported as
         * {@value Values#UNKNOWN_CAPABILITY}, so that callers cannot grow the set of values.
         */
        CAPABILITY {
            @Override
            public String asString() {
                return "pilot.capability";
            }
        },

        /** {@value Values#SUCCESS}, or the name of the {@link io.pilot.engine.message.ErrorCode} the call failed with. */
        OUTCOME {
            @Override
            public String asString() {
                return "pilot.outcome";
            }
        },

        /** How the request travelled: a {@link PilotPath#value()}, {@code direct}, {@code relayed} or {@code unknown}. */
        PATH {
            @Override
            public String asString() {
                return "pilot.path";
            }
        }
    }

    /** Keys whose values are unbounded (addresses, hostnames): for spans, not for metric tags. */
    public enum HighCardinalityKeys implements KeyName {

        /** Client only: the hostname or address the caller named; absent when the call went to any provider. */
        TARGET {
            @Override
            public String asString() {
                return "pilot.target";
            }
        },

        /** The other agent's Pilot address: the provider that answered (client), or the caller (server). */
        PEER_ADDRESS {
            @Override
            public String asString() {
                return "pilot.peer.address";
            }
        },

        /** Client only: the hostname of the provider that answered, when the call went to any provider. */
        PEER_HOSTNAME {
            @Override
            public String asString() {
                return "pilot.peer.hostname";
            }
        }
    }

    /** Fixed key values. */
    public static final class Values {

        /** The outcome of a call that succeeded. */
        public static final String SUCCESS = "SUCCESS";

        /** The capability value on the server for a capability this agent does not serve. */
        public static final String UNKNOWN_CAPABILITY = "UNKNOWN";

        private Values() {
        }
    }
}
