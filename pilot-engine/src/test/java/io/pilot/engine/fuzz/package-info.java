/**
 * Coverage-guided fuzz targets (Jazzer {@code @FuzzTest}) for every decoder that reads bytes from outside
 * the process. Each target states its decoder's contract: a value, or the decoder's documented refusal;
 * any other exception, a hang or an allocation out of proportion to the input is a finding. In the normal
 * build they replay their committed seeds ({@code src/test/resources/io/pilot/engine/fuzz/<Class>Inputs/<method>/},
 * written by {@link io.pilot.engine.fuzz.SeedCorpus}); {@code bin/fuzz} runs them in fuzzing mode.
 */
package io.pilot.engine.fuzz;
