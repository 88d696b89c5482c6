"""Photo library: scanning folders, safe decoding, EXIF facts, content hashes, thumbnails."""

from accessshare.library.decode import DEFAULT_MAX_PIXELS, open_upright
from accessshare.library.errors import ImageProblem
from accessshare.library.exif import ExifFacts
from accessshare.library.scanner import PhotoInfo, Problem, ScanResult, iter_scan, scan
from accessshare.library.thumbnails import ThumbnailCache

__all__ = ["DEFAULT_MAX_PIXELS", "ExifFacts", "ImageProblem", "PhotoInfo", "Problem",
           "ScanResult", "ThumbnailCache", "iter_scan", "open_upright", "scan"]
