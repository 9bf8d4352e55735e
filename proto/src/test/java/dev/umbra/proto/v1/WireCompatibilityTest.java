package dev.umbra.proto.v1;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Keeps umbra.v1 wire compatible with the descriptor set checked in at
 * {@code src/test/resources/umbra-v1.binpb}. After an intended, compatible change (an addition),
 * refresh it with {@code mvn -pl proto test -Dtest=WireCompatibilityTest
 * -Dumbra.proto.writeBaseline=true}.
 */
class WireCompatibilityTest {

  private static final Path BASELINE = Path.of("src/test/resources/umbra-v1.binpb");

  @Test
  void currentContract_isCompatibleWithTheCheckedInBaseline() throws IOException {
    if (Boolean.getBoolean("umbra.proto.writeBaseline")) {
      Files.write(BASELINE, WireCompatibility.current().toByteArray());
    }
    assertThat(BASELINE).as("checked-in baseline").exists();
    FileDescriptorSet baseline = FileDescriptorSet.parseFrom(Files.readAllBytes(BASELINE));
    assertThat(WireCompatibility.breakingChanges(baseline, WireCompatibility.current())).isEmpty();
  }

  @Nested
  class DetectsBreakingChanges {
    private final FileDescriptorSet current = WireCompatibility.current();

    @Test
    void aRenumberedField() {
      var changed = editMessage("Hello", m -> m.setField(0, m.getField(0).toBuilder().setNumber(99)));
      assertThat(WireCompatibility.breakingChanges(current, changed))
          .anySatisfy(p -> assertThat(p).contains("umbra.v1.Hello.primary_id (#1) was removed"));
    }

    @Test
    void aRetypedField() {
      var changed =
          editMessage(
              "TelemetryBatch",
              m -> m.setField(0, m.getField(0).toBuilder().setType(FieldDescriptorProto.Type.TYPE_STRING)));
      assertThat(WireCompatibility.breakingChanges(current, changed))
          .anySatisfy(p -> assertThat(p).contains("TelemetryBatch.sequence (#1) changed type"));
    }

    @Test
    void aRemovedFieldUnlessItsNumberIsReserved() {
      var removed = editMessage("Heartbeat", m -> m.removeField(1));
      assertThat(WireCompatibility.breakingChanges(current, removed))
          .containsExactly("umbra.v1.Heartbeat.advice_errors (#2) was removed without reserving its number");

      var reserved =
          editMessage(
              "Heartbeat",
              m -> m.removeField(1).addReservedRange(DescriptorProto.ReservedRange.newBuilder().setStart(2).setEnd(3)));
      assertThat(WireCompatibility.breakingChanges(current, reserved)).isEmpty();
    }

    @Test
    void aRemovedRpc() {
      FileDescriptorSet.Builder set = current.toBuilder();
      for (FileDescriptorProto.Builder file : set.getFileBuilderList()) {
        for (var service : file.getServiceBuilderList()) {
          if (service.getName().equals("ControlService")) {
            service.removeMethod(0);
          }
        }
      }
      assertThat(WireCompatibility.breakingChanges(current, set.build()))
          .containsExactly("umbra.v1.ControlService/ListPrimaries was removed");
    }

    @Test
    void butNotAnAddedField() {
      var added =
          editMessage(
              "Heartbeat",
              m -> m.addField(
                  FieldDescriptorProto.newBuilder()
                      .setName("new_counter")
                      .setNumber(50)
                      .setType(FieldDescriptorProto.Type.TYPE_UINT64)
                      .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL)));
      assertThat(WireCompatibility.breakingChanges(current, added)).isEmpty();
    }

    private FileDescriptorSet editMessage(String name, UnaryOperator<DescriptorProto.Builder> edit) {
      FileDescriptorSet.Builder set = current.toBuilder();
      for (FileDescriptorProto.Builder file : set.getFileBuilderList()) {
        for (DescriptorProto.Builder message : file.getMessageTypeBuilderList()) {
          if (message.getName().equals(name)) {
            edit.apply(message);
          }
        }
      }
      return set.build();
    }
  }
}
