package io.pilot.spring.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The observations of capability calls and broadcasts. Low-cardinality keys take values from bounded sets only
 * (capability, group and listener names the agents declare, {@link io.pilot.engine.message.ErrorCode} names,
 * {@link PilotPath} values), so they are safe as metric tags; high-cardinality keys (addresses, hostnames, counts) go
 * to spans only. Besides Pilot's own {@code pilot.*} keys, each observation carries the OpenTelemetry semantic
 * convention attributes that fit it ({@link RpcKeys} on calls, {@link MessagingKeys} on broadcasts), so tracing
 * back ends that know RPC and messaging spans show Pilot's as such.
 *
 * <p>{@code error.type} is {@value Values#NO_ERROR} on success rather than absent, as Spring's {@code exception}
 * tag is: a timer's tags must have the same keys every time (Prometheus refuses a meter otherwise).
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
            return KeyName.merge(LowCardinalityKeys.values(), RpcKeys.values());
        }

        @Override
        public KeyName[] getHighCardinalityKeyNames() {
            return new KeyName[] {HighCardinalityKeys.TARGET, HighCardinalityKeys.PEER_ADDRESS, HighCardinalityKeys.PEER_HOSTNAME,
                HighCardinalityKeys.SERVER_ADDRESS};
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
            return KeyName.merge(LowCardinalityKeys.values(), RpcKeys.values());
        }

        @Override
        public KeyName[] getHighCardinalityKeyNames() {
            return new KeyName[] {HighCardinalityKeys.PEER_ADDRESS, HighCardinalityKeys.CLIENT_ADDRESS,
                    HighCardinalityKeys.STREAM_ITEMS};
        }

        @Override
        public String getPrefix() {
            return "pilot.";
        }
    },

    /**
     * A broadcast sent through {@code PilotClient.broadcast} (a producer): from looking up the group's members to
     * every copy handed over or failed. Injects the trace context into the broadcast's headers, so every member's
     * copy carries it and each listener's {@link #GROUP_LISTENER} observation continues this trace.
     */
    BROADCAST {
        @Override
        public String getName() {
            return DefaultPilotBroadcastObservationConvention.NAME;
        }

        @Override
        public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
            return DefaultPilotBroadcastObservationConvention.class;
        }

        @Override
        public KeyName[] getLowCardinalityKeyNames() {
            return KeyName.merge(new KeyName[] {BroadcastKeys.GROUP, LowCardinalityKeys.OUTCOME, RpcKeys.ERROR_TYPE},
                    MessagingKeys.values());
        }

        @Override
        public KeyName[] getHighCardinalityKeyNames() {
            return new KeyName[] {HighCardinalityKeys.DELIVERED, HighCardinalityKeys.UNREACHED};
        }

        @Override
        public String getPrefix() {
            return "pilot.";
        }
    },

    /**
     * One {@code @GroupListener} method handling one broadcast (a consumer): the method runs in this observation's
     * scope, so its log lines carry the broadcaster's trace id and what it observes is this observation's child.
     * Extracts the broadcaster's trace context from the broadcast's headers.
     */
    GROUP_LISTENER {
        @Override
        public String getName() {
            return DefaultPilotGroupListenerObservationConvention.NAME;
        }

        @Override
        public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
            return DefaultPilotGroupListenerObservationConvention.class;
        }

        @Override
        public KeyName[] getLowCardinalityKeyNames() {
            return KeyName.merge(new KeyName[] {BroadcastKeys.GROUP, BroadcastKeys.LISTENER, LowCardinalityKeys.OUTCOME,
                RpcKeys.ERROR_TYPE}, MessagingKeys.values());
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

        /**
         * {@value Values#SUCCESS}, or the name of the {@link io.pilot.engine.message.ErrorCode} the call failed with.
         * On a broadcast also {@value Values#PARTIAL} (some members were not reached); on a listener
         * {@code INVALID_ARGUMENT} (the broadcast does not map to its parameter) or {@code INTERNAL} (it threw).
         */
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
        },

        /**
         * Client only, OpenTelemetry's {@code server.address}: the provider's hostname when known, else its Pilot
         * address; absent when no provider was found.
         */
        SERVER_ADDRESS {
            @Override
            public String asString() {
                return "server.address";
            }
        },

        /** Server only, OpenTelemetry's {@code client.address}: the caller's Pilot address. */
        CLIENT_ADDRESS {
            @Override
            public String asString() {
                return "client.address";
            }
        },

        /** Broadcast only: how many members the broadcast was handed to. */
        DELIVERED {
            @Override
            public String asString() {
                return "pilot.broadcast.delivered";
            }
        },

        /** Broadcast only: how many members it could not reach. */
        UNREACHED {
            @Override
            public String asString() {
                return "pilot.broadcast.unreached";
            }
        },

        /** Server only, a streamed reply's: how many items were sent (whichever way the stream ended). */
        STREAM_ITEMS {
            @Override
            public String asString() {
                return "pilot.stream.items";
            }
        }
    }

    /** OpenTelemetry's RPC semantic conventions, on capability calls (client and server). Low cardinality. */
    public enum RpcKeys implements KeyName {

        /** {@value Values#SYSTEM}. */
        RPC_SYSTEM {
            @Override
            public String asString() {
                return "rpc.system";
            }
        },

        /** The capability: the same value as {@link LowCardinalityKeys#CAPABILITY}. */
        RPC_METHOD {
            @Override
            public String asString() {
                return "rpc.method";
            }
        },

        /**
         * The name of the {@link io.pilot.engine.message.ErrorCode} the call (or broadcast, or listener) failed with,
         * else {@value Values#NO_ERROR}.
         */
        ERROR_TYPE {
            @Override
            public String asString() {
                return "error.type";
            }
        }
    }

    /** OpenTelemetry's messaging semantic conventions, on broadcasts and listeners. Low cardinality. */
    public enum MessagingKeys implements KeyName {

        /** {@value Values#SYSTEM}. */
        SYSTEM {
            @Override
            public String asString() {
                return "messaging.system";
            }
        },

        /** The group broadcast to. */
        DESTINATION_NAME {
            @Override
            public String asString() {
                return "messaging.destination.name";
            }
        },

        /** {@value Values#PUBLISH} on the broadcast, {@value Values#PROCESS} on a listener. */
        OPERATION_TYPE {
            @Override
            public String asString() {
                return "messaging.operation.type";
            }
        }
    }

    /** Pilot's own keys of broadcasts and listeners. Low cardinality: groups and listeners are declared by the agents. */
    public enum BroadcastKeys implements KeyName {

        /** The group broadcast to. */
        GROUP {
            @Override
            public String asString() {
                return "pilot.group";
            }
        },

        /** The listener method, {@code beanName.method}. */
        LISTENER {
            @Override
            public String asString() {
                return "pilot.listener";
            }
        }
    }

    /** Fixed key values. */
    public static final class Values {

        /** The outcome of a call that succeeded. */
        public static final String SUCCESS = "SUCCESS";

        /** The capability value on the server for a capability this agent does not serve. */
        public static final String UNKNOWN_CAPABILITY = "UNKNOWN";

        /** The outcome of a broadcast that reached some members but not all. */
        public static final String PARTIAL = "PARTIAL";

        /** {@code rpc.system} and {@code messaging.system}. */
        public static final String SYSTEM = "pilot";

        /** {@code error.type} when nothing failed. */
        public static final String NO_ERROR = "none";

        /** {@code messaging.operation.type} of a broadcast. */
        public static final String PUBLISH = "publish";

        /** {@code messaging.operation.type} of a listener. */
        public static final String PROCESS = "process";

        private Values() {
        }
    }
}
