/**
 * Sans-IO reliable transport (streams, datagrams, loss recovery, congestion and flow control, modelled on QUIC
 * RFC 9000/9002) that runs inside an already encrypted peer session; see {@link io.pilot.engine.transport.Connection}.
 *
 * <p>The rooms of a connection, all confined to its thread:
 * <ul>
 *   <li>{@code Connection} — the face: lifecycle, receive and frame dispatch, the packet header, ACK and probes,
 *   timers and close. The public API with {@code Stream}, {@code ConnectionHandler}, {@code StreamHandler},
 *   {@code TransportConfig}, {@code ConnectionStats}, {@code CloseReason} and {@code TransportError}.</li>
 *   <li>{@code StreamTable} — the live streams by id, the ids each side used, the limit on peer-opened streams,
 *   freeing.</li>
 *   <li>{@code StreamFrameApplier} — the peer's STREAM, RESET_STREAM and MAX_STREAM_DATA frames and local aborts,
 *   checked against final sizes and credit.</li>
 *   <li>{@code ReceiveCredit} — connection-level receive flow control and its MAX_DATA updates.</li>
 *   <li>{@code PacketAssembler} — the send, control and datagram queues and the ack-eliciting frames of the next
 *   packet within connection send credit.</li>
 *   <li>{@code SentFrameRouter} — ACK and loss of sent frames back to their streams and credit.</li>
 *   <li>{@code AckTracker}, {@code LossDetector}, {@code RttEstimator}, {@code NewReno}, {@code Pacer} —
 *   acknowledgements, loss recovery, RTT, congestion control and pacing.</li>
 *   <li>{@code SendStream}, {@code ReceiveStream}, {@code SendBuffer}, {@code RangeSet} — the halves of a stream and
 *   their buffers; {@code Frame} and {@code FrameCodec} — the frames and their wire format.</li>
 * </ul>
 * The package imports nothing else of Pilot.
 */
package io.pilot.engine.transport;
