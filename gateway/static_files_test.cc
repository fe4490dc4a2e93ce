// Path safety and MIME types of the static file server.
#include "static_files.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace foyer {
namespace gateway {
namespace {

namespace fs = std::filesystem;

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/foyer-static-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    root_ = dir_ + "/web";
    fs::create_directories(root_ + "/assets");
    fs::create_directories(root_ + "/empty");
    Write(root_ + "/index.html", "<!doctype html>");
    Write(root_ + "/assets/app.js", "x");
    Write(root_ + "/assets/index.html", "sub");
    Write(root_ + "/.hidden", "secret");
    Write(dir_ + "/secret.txt", "outside");
    fs::create_symlink(dir_ + "/secret.txt", root_ + "/link-out.txt");
    fs::create_symlink(dir_, root_ + "/dir-out");
    fs::create_symlink(root_ + "/assets/app.js", root_ + "/link-in.js");
  }
  void TearDown() override { fs::remove_all(dir_); }

  static void Write(const std::string& path, const std::string& text) {
    std::ofstream(path) << text;
  }
  Status Resolve(std::string_view path, std::string* file = nullptr) {
    std::string ignored;
    return ResolveStaticPath(root_, path, file ? file : &ignored);
  }

  std::string dir_;
  std::string root_;
};

TEST_F(StaticFilesTest, ServesFilesAndIndexInsideTheRoot) {
  std::string file;
  ASSERT_TRUE(Resolve("/", &file).ok());
  EXPECT_EQ(file, fs::canonical(root_ + "/index.html").string());
  ASSERT_TRUE(Resolve("/assets/app.js", &file).ok());
  EXPECT_EQ(file, fs::canonical(root_ + "/assets/app.js").string());
  ASSERT_TRUE(Resolve("/assets/", &file).ok());
  EXPECT_EQ(file, fs::canonical(root_ + "/assets/index.html").string());
  ASSERT_TRUE(Resolve("/assets", &file).ok());  // a directory: its index, never a listing
  EXPECT_TRUE(Resolve("/link-in.js").ok());      // a symlink that stays inside
  EXPECT_EQ(Resolve("/empty/").code(), Status::Code::kNotFound);
  EXPECT_EQ(Resolve("/missing.js").code(), Status::Code::kNotFound);
}

TEST_F(StaticFilesTest, RefusesTraversalInEveryForm) {
  // The server decodes percent-encoding once: these are what reaches us for
  // /../x, /%2e%2e/x, /%2E%2E%2Fx, /..%2fx, /%252e%252e/x (double encoded),
  // /..%5cx and /%c0%ae%c0%ae/x (overlong UTF-8 dots, left undecoded).
  for (std::string_view path :
       {"/../secret.txt", "/assets/../../secret.txt", "/..", "/./index.html", "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt", "/..\\secret.txt", "/assets\\..\\..\\secret.txt",
        "/\xc0\xae\xc0\xae/secret.txt", "/%c0%ae%c0%ae/secret.txt", "//etc/passwd", "/.hidden",
        "relative.js", ""}) {
    Status status = Resolve(path);
    EXPECT_FALSE(status.ok()) << path;
    if (path.find("\xc0") == std::string_view::npos) {
      EXPECT_EQ(status.code(), Status::Code::kInvalid) << path;
    }
  }
}

TEST_F(StaticFilesTest, RefusesNulAndControlCharacters) {
  EXPECT_EQ(Resolve(std::string_view("/index.html\0.js", 15)).code(), Status::Code::kInvalid);
  EXPECT_EQ(Resolve("/index.html\n").code(), Status::Code::kInvalid);
  EXPECT_EQ(Resolve("/index\x7f.html").code(), Status::Code::kInvalid);
}

TEST_F(StaticFilesTest, RefusesSymlinksThatLeaveTheRoot) {
  EXPECT_EQ(Resolve("/link-out.txt").code(), Status::Code::kDenied);
  EXPECT_EQ(Resolve("/dir-out/secret.txt").code(), Status::Code::kDenied);
  // A root that is itself a symlink is resolved first: its files stay servable.
  fs::create_symlink(root_, dir_ + "/web-link");
  std::string file;
  EXPECT_TRUE(ResolveStaticPath(dir_ + "/web-link", "/assets/app.js", &file).ok());
  // A sibling whose name starts like the root is outside.
  fs::create_directories(dir_ + "/web2");
  Write(dir_ + "/web2/x.js", "x");
  fs::create_symlink(dir_ + "/web2/x.js", root_ + "/sibling.js");
  EXPECT_EQ(Resolve("/sibling.js").code(), Status::Code::kDenied);
}

TEST(MimeTypeTest, KnownTypes) {
  EXPECT_EQ(MimeType("a/index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(MimeType("app.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(MimeType("m.mjs"), "text/javascript; charset=utf-8");
  EXPECT_EQ(MimeType("app.css"), "text/css; charset=utf-8");
  EXPECT_EQ(MimeType("config.json"), "application/json");
  EXPECT_EQ(MimeType("manifest.webmanifest"), "application/manifest+json");
  EXPECT_EQ(MimeType("sodium.wasm"), "application/wasm");
  EXPECT_EQ(MimeType("icon.svg"), "image/svg+xml");
  EXPECT_EQ(MimeType("icon.png"), "image/png");
  EXPECT_EQ(MimeType("favicon.ico"), "image/x-icon");
  EXPECT_EQ(MimeType("archive.tar"), "application/octet-stream");
  EXPECT_EQ(MimeType("noext"), "application/octet-stream");
}

}  // namespace
}  // namespace gateway
}  // namespace foyer
