/**
 * Test support for applications that are Pilot agents: one backbone inside the test JVM and as many agents as
 * the test needs, as spring-kafka's embedded broker does for Kafka applications.
 *
 * <p>Annotate a {@code @SpringBootTest} with {@link io.pilot.spring.test.EmbeddedPilotBackbone}: the
 * application under test registers with that backbone. Start the agents it talks to with
 * {@link io.pilot.spring.test.PilotTestAgents}, each a separate application context:
 *
 * <pre>{@code
 * @SpringBootTest(properties = "pilot.hostname=specialist-papers")
 * @EmbeddedPilotBackbone
 * class PapersTests {
 *
 *     @Autowired
 *     PilotClient client;
 *
 *     @Test
 *     void theCoordinatorResolvesCitationsHere() {
 *         try (PilotTestAgents agents = new PilotTestAgents()) {
 *             PilotClient coordinator = agents.start("coordinator", CoordinatorApplication.class)
 *                     .getBean(PilotClient.class);
 *             Citation citation = coordinator.call("papers.resolve-citation", new CitationQuery("10.1145/3133956"),
 *                     Citation.class);
 *             assertThat(citation.year()).isEqualTo(2017);
 *         }
 *     }
 * }
 * }</pre>
 *
 * Inject {@link io.pilot.spring.test.EmbeddedBackboneHandle} to wait for registrations and {@link io.pilot.spring.test.PilotStubs}
 * for stub agents and broadcast recorders; {@code pilot.test.faults.*} impairs the application's link. See
 * {@code docs/testing.md} for what the annotation sets and how the backbone is shared.
 */
package io.pilot.spring.test;
