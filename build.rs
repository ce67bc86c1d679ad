//! Builds the Windows resources into `kuiwen-atlas.exe`: the icon Explorer and the taskbar show,
//! and the version information in its Properties. On other systems there is nothing to do: the
//! Debian package installs the icon beside the program (see `[package.metadata.deb]`).

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=assets/icons/kuiwen-atlas.ico");
    // The target, not the host: the Windows build is cross-compiled from Debian.
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("windows") {
        return;
    }
    let mut res = winresource::WindowsResource::new();
    res.set_icon("assets/icons/kuiwen-atlas.ico")
        .set("ProductName", "Kuiwen Atlas 奎文规划一张图")
        .set("FileDescription", "Kuiwen Atlas 奎文规划一张图: planning map of Kuiwen District, Weifang")
        .set("CompanyName", "Kuiwen Atlas")
        .set("LegalCopyright", "MIT OR Apache-2.0; map data © OpenStreetMap contributors (ODbL)")
        .set("OriginalFilename", "kuiwen-atlas.exe")
        // Simplified Chinese (PRC), as planners' Windows shows it.
        .set_language(0x0804);
    if let Err(e) = res.compile() {
        // Without windres (package binutils-mingw-w64-x86-64) the .exe would have no icon:
        // stop and say so rather than ship one silently without.
        panic!("cannot build the Windows resources (icon, version): {e}");
    }
}
