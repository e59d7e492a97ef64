package io.pilot.engine.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.pilot.engine.directory.RecordException;
import io.pilot.engine.directory.SignedRecord;

import org.junit.jupiter.api.Timeout;

/**
 * A signed node record as a registering node, a backbone's reply or a watch event carries it:
 * {@link SignedRecord#decode} returns a record whose signature verified, or throws {@link RecordException}.
 * A record that decodes encodes back to the same bytes (the canonical form is the signed form).
 */
@Timeout(10)
class SignedRecordFuzzTests {

    @FuzzTest
    void record(byte[] bytes) {
        SignedRecord signed;
        try {
            signed = SignedRecord.decode(bytes);
        } catch (RecordException e) {
            return;
        }
        assertThat(signed.toBytes()).isEqualTo(bytes);
        assertThat(signed.record().address()).isNotNull();
    }
}
