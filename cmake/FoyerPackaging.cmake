# Installation layout and the Debian package (CPack DEB): `scripts/package`,
# or `cpack -G DEB` in a build directory (native amd64 or the arm64 cross
# build of scripts/cross-arm64). See docs/raspberry-pi.md.
#   /usr/bin/foyer-gateway, foyer-admin, foyer-cli
#   /usr/lib/foyer/foyer_plugin.so       (mosquitto loads it; `foyer-admin setup`
#                                          finds it there from /usr/bin)
#   /usr/share/foyer/web/                 the built web client
#   /usr/lib/systemd/system/foyer-broker.service, foyer-gateway.service
#   /usr/share/doc/foyer/                 README, docs, an example foyer.conf
# /etc/foyer and /var/lib/foyer are made by the postinst script (with the
# foyer system account) and filled by `foyer-admin setup`: the package ships
# no file there, so that setup writes the household's own configuration.
include(GNUInstallDirs)
# `install` and cpack build only what they install (scripts/package builds
# those targets first), not every test of the tree.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY TRUE)

install(TARGETS foyer-gateway foyer-admin foyer-cli
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS foyer_plugin
        LIBRARY DESTINATION lib/foyer)

# The web client, built by the web_client target into <build>/web.
set(FOYER_PACKAGE_WEB_DIR "${CMAKE_BINARY_DIR}/web" CACHE PATH
    "The built web client installed to /usr/share/foyer/web")
install(DIRECTORY ${FOYER_PACKAGE_WEB_DIR}/
        DESTINATION ${CMAKE_INSTALL_DATADIR}/foyer/web)
install(CODE "
  if(NOT EXISTS \"${FOYER_PACKAGE_WEB_DIR}/index.html\")
    message(FATAL_ERROR \"no web client in ${FOYER_PACKAGE_WEB_DIR}: build the web_client target first\")
  endif()")

install(FILES
        ${PROJECT_SOURCE_DIR}/config/systemd/foyer-broker.service
        ${PROJECT_SOURCE_DIR}/config/systemd/foyer-gateway.service
        DESTINATION lib/systemd/system)

install(FILES ${PROJECT_SOURCE_DIR}/README.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/
        DESTINATION ${CMAKE_INSTALL_DOCDIR}
        FILES_MATCHING PATTERN "*.md")
install(FILES ${PROJECT_SOURCE_DIR}/config/foyer.conf
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME foyer)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "Foyer maintainers <foyer@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "end-to-end encrypted messenger for one household")
set(CPACK_PACKAGE_DESCRIPTION
    "Foyer is a self-hosted, end-to-end encrypted messenger for one household (up to 25 people): a plugin for Debian's mosquitto broker, a gateway serving the web client and the admin API over HTTPS, and the foyer-admin and foyer-cli tools. Run `foyer-admin setup`, then `systemctl enable --now foyer-broker foyer-gateway`.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES TRUE)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
if(CMAKE_CROSSCOMPILING AND CMAKE_SYSTEM_PROCESSOR STREQUAL "aarch64")
  set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE arm64)
endif()
# Debian's broker and the libraries the programs link (dpkg-shlibdeps; for
# arm64, on the arm64 libraries installed by scripts/cross-arm64).
# procps: /bin/kill of the broker unit's ExecReload.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "mosquitto (>= 2.0), adduser, procps")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/debian/postinst
    ${PROJECT_SOURCE_DIR}/packaging/debian/prerm
    ${PROJECT_SOURCE_DIR}/packaging/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
include(CPack)
