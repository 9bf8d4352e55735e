package dev.umbra.shadow.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialFilesTest {
  @TempDir Path data;

  @Test
  void createsOneTokenPerRole_readableByTheOwnerOnly() throws Exception {
    Credentials credentials = CredentialFiles.loadOrCreate(data, Map.of());

    Path dir = data.resolve("credentials");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
    for (Role role : Role.values()) {
      Path file = dir.resolve(role.fileName());
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
      String token = CredentialFiles.read(file);
      assertThat(token).hasSize(43); // 32 random bytes, base64url
      assertThat(credentials.rolesOf(token)).contains(role);
    }
    assertThat(CredentialFiles.read(dir.resolve("agent.token"))).isNotEqualTo(CredentialFiles.read(dir.resolve("reader.token")));
    try (var listing = Files.list(dir)) {
      assertThat(listing.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("agent.token", "reader.token", "operator.token");
    }
  }

  @Test
  void keepsTheTokensAcrossRestarts_andTightensLoosePermissions() throws Exception {
    CredentialFiles.loadOrCreate(data, Map.of());
    Path reader = data.resolve("credentials/reader.token");
    String before = CredentialFiles.read(reader);
    Files.setPosixFilePermissions(reader, PosixFilePermissions.fromString("rw-r--r--"));

    Credentials again = CredentialFiles.loadOrCreate(data, Map.of());

    assertThat(CredentialFiles.read(reader)).isEqualTo(before);
    assertThat(again.rolesOf(before)).containsExactly(Role.READER);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(reader))).isEqualTo("rw-------");
  }

  @Test
  void writesAGivenToken_soThatLocalClientsFindIt() throws Exception {
    Credentials credentials = CredentialFiles.loadOrCreate(data, Map.of(Role.AGENT, "shared", Role.READER, "shared"));

    assertThat(CredentialFiles.read(data.resolve("credentials/reader.token"))).isEqualTo("shared");
    assertThat(credentials.rolesOf("shared")).isEqualTo(EnumSet.of(Role.AGENT, Role.READER));
  }

  @Test
  void saysInOneLineWhyAFileCannotBeRead() throws Exception {
    assertThatThrownBy(() -> CredentialFiles.read(data.resolve("nope.token")))
        .isInstanceOf(IOException.class).hasMessage("no credential file " + data.resolve("nope.token"));
    Path two = Files.writeString(data.resolve("two.token"), "a\nb\n");
    assertThatThrownBy(() -> CredentialFiles.read(two)).hasMessageContaining("must hold one token on one line");
  }
}
