//! What is wrong with a command-line argument (or the same value typed in the app, such as a
//! coordinate system with seven parameters): one error type, in Chinese and English.

use kuiwen_core::Bilingual;
use kuiwen_core::io::crs::CrsError;
use kuiwen_core::io::crs_proj::ProjError;

/// An argument that cannot be used. The English text is what the command line prints.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ArgError {
    /// The coordinate system is not one the app knows.
    #[error("{0}")]
    Crs(#[from] CrsError),
    /// The seven parameters cannot be applied to that grid.
    #[error("{0}")]
    Proj(#[from] ProjError),
    /// `--towgs84` is not seven numbers.
    #[error(
        "--towgs84 {given:?}: seven numbers separated by commas (dx,dy,dz in m, rx,ry,rz in arc-seconds, scale in ppm)"
    )]
    SevenParametersNotNumbers {
        /// The text given.
        given: String,
    },
    /// `--towgs84` has the wrong count of numbers.
    #[error("--towgs84 has {count} numbers, seven are needed (dx,dy,dz,rx,ry,rz,ppm)")]
    SevenParametersCount {
        /// How many numbers were given.
        count: usize,
    },
    /// Seven parameters for something that is not an EPSG grid.
    #[error("--towgs84 applies to an EPSG grid (e.g. EPSG:2385), not {crs:?}")]
    SevenParametersNeedEpsg {
        /// The system given.
        crs: String,
    },
    /// Seven parameters with no grid named.
    #[error("--towgs84 needs --crs naming the grid it applies to (e.g. --crs EPSG:2385)")]
    SevenParametersWithoutCrs,
    /// The text encoding is not one the app knows.
    #[error("{0}")]
    Encoding(String),
    /// No map tool of that name.
    #[error("unknown tool “{0}”: use select, life-circle, measure or nearby")]
    UnknownTool(String),
    /// An image size that is not `WxH`.
    #[error("size {text:?}: expected WxH, e.g. 1920x1080")]
    SizeFormat {
        /// The text given.
        text: String,
    },
    /// A side of an image size that is not a whole number.
    #[error("size {text:?}: {part:?} is not a whole number")]
    SizeNumber {
        /// The text given.
        text: String,
        /// The side that is not a number.
        part: String,
    },
}

impl Bilingual for ArgError {
    fn zh(&self) -> String {
        match self {
            ArgError::Crs(e) => e.zh(),
            ArgError::Proj(e) => e.zh(),
            ArgError::SevenParametersNotNumbers { given } => {
                format!("七参数“{given}”有误：应为逗号分隔的七个数（dx,dy,dz 米，rx,ry,rz 角秒，尺度 ppm）")
            }
            ArgError::SevenParametersCount { count } => {
                format!("七参数只有 {count} 个数，需要七个（dx,dy,dz,rx,ry,rz,ppm）")
            }
            ArgError::SevenParametersNeedEpsg { crs } => {
                format!("七参数只能用于 EPSG 编号的坐标系（如 EPSG:2385），“{crs}”不是")
            }
            ArgError::SevenParametersWithoutCrs => "七参数需要同时给出所用的坐标系（如 --crs EPSG:2385）".to_owned(),
            ArgError::Encoding(e) => format!("无法识别的文字编码：{e}"),
            ArgError::UnknownTool(t) => format!("没有名为“{t}”的工具：可用 select、life-circle、measure 或 nearby"),
            ArgError::SizeFormat { text } => format!("尺寸“{text}”有误：应为 宽x高，如 1920x1080"),
            ArgError::SizeNumber { text, part } => format!("尺寸“{text}”有误：“{part}”不是整数"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_keep_what_was_given() {
        let e = ArgError::SizeNumber { text: "19x10a".into(), part: "10a".into() };
        assert!(e.zh().contains("10a") && e.zh().contains("整数"), "{}", e.zh());
        assert_eq!(e.en(), e.to_string());
        let e = ArgError::SevenParametersCount { count: 3 };
        assert!(e.zh().contains('3') && e.to_string().contains("3 numbers"));
    }
}
