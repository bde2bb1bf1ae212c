"""Themes for training and demo data, drawn from the kinds of problems Kabupaten Bekasi villages
report (tidal and river floods, dry-season water shortage, waste, river pollution, roads).

Sample records end up in bimtek training PDFs, so each theme is one coherent story: the dimension
fits the subject, the unit fits what is counted, and the number in the description is the number in
the record's count field. ``{loc}`` is filled with a place inside the village, ``{n}`` with one of
``amounts`` (the record's count), ``{v}`` with one of ``volumes`` (a proposal's volume).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Theme:
    dimension: str
    sub_element: str
    urusan: str
    title: str
    description: str
    extra: str  # causes (problem), potential type code (potential), beneficiaries (proposal)
    unit: str  # affected unit (problem), magnitude unit (potential), volume unit (proposal)
    amounts: tuple[int, ...]
    volumes: tuple[int, ...] = ()


_PEOPLE = (15, 40, 75, 120, 250, 600)
_HOMES = (12, 25, 40, 60, 85, 120)

PROBLEMS: tuple[Theme, ...] = (
    Theme(
        "environment",
        "proteksi_lingkungan",
        "2.11",
        "Banjir rob merendam tambak warga {loc}",
        "Air laut pasang masuk ke permukiman dan tambak hampir setiap bulan; {n} KK gagal panen "
        "tambak dan jalan lingkungan tergenang berhari-hari.",
        "Tanggul pantai rendah dan rusak, penurunan muka tanah, hutan mangrove berkurang.",
        "kk",
        _HOMES,
    ),
    Theme(
        "environment",
        "proteksi_lingkungan",
        "1.03",
        "Luapan Kali Cikarang saat hujan deras {loc}",
        "Setiap musim hujan air kali meluap ke rumah warga setinggi lutut; {n} KK terdampak dan "
        "anak-anak tidak dapat bersekolah.",
        "Sedimentasi kali, bantaran dipenuhi bangunan, drainase tersumbat sampah.",
        "kk",
        _HOMES,
    ),
    Theme(
        "living",
        "kesehatan",
        "1.03",
        "Krisis air bersih pada musim kemarau {loc}",
        "Sumur warga kering dari Juli sampai Oktober; {n} KK membeli air jeriken dengan harga mahal "
        "dan sebagian memakai air kali untuk mandi.",
        "Belum ada jaringan air perpipaan, muka air tanah turun, tidak ada penampungan air hujan.",
        "kk",
        _HOMES,
    ),
    Theme(
        "environment",
        "sampah_limbah",
        "2.11",
        "Tumpukan sampah liar di pinggir jalan {loc}",
        "Sampah rumah tangga dibuang di lahan kosong dan bahu jalan; bau menyengat dan menjadi "
        "sarang lalat, sekitar {n} warga mengeluh.",
        "Belum ada layanan angkut sampah, TPA Burangkeng penuh, kebiasaan membuang sampah sembarangan.",
        "jiwa",
        _PEOPLE,
    ),
    Theme(
        "environment",
        "proteksi_lingkungan",
        "2.11",
        "Air Kali Cilemahabang menghitam dan berbau {loc}",
        "Air kali berwarna hitam dan berbusa, padahal masih dipakai warga untuk mencuci dan mengairi "
        "sawah; ikan mati dan {n} warga mengeluh gatal-gatal.",
        "Dugaan limbah industri dibuang tanpa diolah, pengawasan lemah.",
        "jiwa",
        _PEOPLE,
    ),
    Theme(
        "living",
        "transportasi",
        "1.03",
        "Jalan desa rusak dan berlumpur {loc}",
        "Jalan penghubung masih tanah dan berlubang; saat hujan {n} KK di ujung jalan tidak dapat "
        "keluar dengan motor dan hasil panen sulit diangkut.",
        "Anggaran pemeliharaan jalan terbatas, truk bermuatan berat melintas.",
        "kk",
        _HOMES,
    ),
    Theme(
        "society",
        "keamanan",
        "1.05",
        "Penerangan jalan umum belum ada {loc}",
        "Ruas jalan gelap pada malam hari; {n} warga yang pulang kerja malam takut melintas dan "
        "pernah terjadi pencurian motor.",
        "Belum ada tiang dan jaringan listrik untuk PJU.",
        "jiwa",
        _PEOPLE,
    ),
    Theme(
        "governance",
        "pelayanan_publik",
        "2.12",
        "Pelayanan surat keterangan di kantor desa lambat",
        "Warga harus datang berkali-kali untuk mengurus surat pengantar; rata-rata {n} warga antre "
        "setiap minggu dan arsip masih ditulis tangan.",
        "Belum ada sistem administrasi digital, perangkat desa terbatas.",
        "jiwa",
        _PEOPLE,
    ),
    Theme(
        "governance",
        "birokrasi",
        "2.16",
        "Sinyal internet lemah di kantor desa dan sekolah",
        "Perangkat desa kesulitan mengirim laporan daring; sekolah dengan {n} siswa tidak dapat "
        "memakai pembelajaran daring.",
        "Belum ada menara BTS dekat desa, jaringan kabel belum masuk.",
        "jiwa",
        _PEOPLE,
    ),
    Theme(
        "economy",
        "kesejahteraan_rakyat",
        "2.17",
        "Produk UMKM sulit dipasarkan {loc}",
        "Sekitar {n} pelaku UMKM hanya menjual di warung sekitar; harga jual rendah dan tidak ada "
        "kemasan yang menarik.",
        "Belum menguasai pemasaran daring, belum ada izin PIRT dan merek.",
        "jiwa",
        (12, 25, 40, 60),
    ),
    Theme(
        "economy",
        "industri",
        "2.07",
        "Pemuda desa banyak yang menganggur",
        "Sekitar {n} pemuda lulusan SMA belum bekerja meskipun dekat kawasan industri.",
        "Keterampilan tidak sesuai kebutuhan industri, informasi lowongan tidak sampai ke desa.",
        "jiwa",
        (25, 40, 75, 120),
    ),
    Theme(
        "living",
        "kesehatan",
        "1.02",
        "Kasus stunting pada balita {loc}",
        "Posyandu mencatat {n} balita dengan tinggi badan di bawah standar.",
        "Pola asuh dan gizi kurang, sanitasi buruk, kader posyandu belum terlatih.",
        "jiwa",
        (8, 12, 25, 40),
    ),
    Theme(
        "society",
        "ekosistem_belajar",
        "1.01",
        "Taman baca desa tidak aktif",
        "Taman baca jarang dibuka dan bukunya sudah lama; {n} anak sekolah di desa tidak punya "
        "tempat membaca.",
        "Tidak ada pengelola tetap dan anggaran pengadaan buku.",
        "jiwa",
        _PEOPLE,
    ),
    Theme(
        "living",
        "tata_wilayah",
        "1.04",
        "Permukiman padat dan kumuh di bantaran kali {loc}",
        "Sekitar {n} KK tinggal di rumah yang berdiri rapat tanpa saluran air limbah.",
        "Pertumbuhan penduduk cepat, lahan terbatas.",
        "kk",
        _HOMES,
    ),
)

_HECTARES = (5, 12, 30, 45, 80)

POTENTIALS: tuple[Theme, ...] = (
    Theme(
        "branding",
        "ekosistem_pariwisata",
        "3.26",
        "Hutan mangrove untuk ekowisata {loc}",
        "Kawasan mangrove seluas {n} hektare dapat dikembangkan menjadi wisata susur sungai dan "
        "edukasi lingkungan.",
        "wisata",
        "ha",
        _HECTARES,
    ),
    Theme(
        "economy",
        "kesejahteraan_rakyat",
        "3.25",
        "Tambak bandeng dan udang {loc}",
        "Sekitar {n} hektare tambak produktif; hasil panen bisa diolah menjadi bandeng presto.",
        "alam",
        "ha",
        _HECTARES,
    ),
    Theme(
        "economy",
        "kesejahteraan_rakyat",
        "2.17",
        "Kelompok UMKM olahan pangan {loc}",
        "Ada {n} pelaku usaha keripik, dodol dan kerupuk yang sudah rutin berproduksi.",
        "ekonomi",
        "pelaku usaha",
        (8, 12, 25, 40),
    ),
    Theme(
        "economy",
        "kesejahteraan_rakyat",
        "3.27",
        "Sawah irigasi teknis {loc}",
        "Lahan sawah {n} hektare dengan dua kali panen setahun; cocok untuk pertanian modern.",
        "alam",
        "ha",
        _HECTARES,
    ),
    Theme(
        "society",
        "komunitas",
        "2.19",
        "Karang taruna aktif dan melek digital",
        "Karang taruna beranggotakan {n} pemuda yang terbiasa membuat konten media sosial.",
        "sdm",
        "orang",
        (25, 40, 60, 85),
    ),
    Theme(
        "branding",
        "ekosistem_pariwisata",
        "2.22",
        "Seni budaya Betawi pesisir",
        "Sanggar tanjidor dan lenong dengan {n} anggota masih aktif tampil di acara desa.",
        "wisata",
        "orang",
        (12, 20, 30),
    ),
    Theme(
        "environment",
        "sampah_limbah",
        "2.11",
        "Bank sampah rintisan ibu-ibu PKK {loc}",
        "Sudah ada {n} nasabah yang menabung sampah plastik setiap minggu.",
        "sdm",
        "orang",
        (40, 60, 85, 120),
    ),
    Theme(
        "living",
        "transportasi",
        "2.15",
        "Dekat jalan tol dan stasiun kereta",
        "Gerbang tol hanya {n} km dari balai desa; memudahkan distribusi hasil usaha desa.",
        "infrastruktur",
        "km",
        (2, 3, 5, 8),
    ),
)

PROPOSALS: tuple[Theme, ...] = (
    Theme(
        "governance",
        "pelayanan_publik",
        "2.16",
        "Layanan surat desa daring",
        "Warga mengajukan surat pengantar lewat ponsel dan mengambilnya sudah jadi; {v} aplikasi "
        "layanan untuk sekitar {n} surat per bulan.",
        "Warga yang mengurus surat",
        "aplikasi",
        (120, 250, 400),
        (1,),
    ),
    Theme(
        "environment",
        "proteksi_lingkungan",
        "2.11",
        "Peringatan dini banjir rob berbasis sensor {loc}",
        "Memasang {v} sensor ketinggian air di muara yang mengirim peringatan ke grup WhatsApp RT; "
        "melindungi {n} KK.",
        "Warga pesisir",
        "unit",
        _HOMES,
        (2, 3, 5),
    ),
    Theme(
        "living",
        "kesehatan",
        "1.03",
        "Panen air hujan untuk musim kemarau {loc}",
        "Membangun {v} tandon penampung air hujan komunal dengan saringan sederhana untuk {n} KK.",
        "KK terdampak kekeringan",
        "tandon",
        _HOMES,
        (5, 10, 20),
    ),
    Theme(
        "environment",
        "sampah_limbah",
        "2.11",
        "Bank sampah digital desa",
        "{v} aplikasi pencatatan tabungan sampah untuk {n} nasabah, terhubung dengan pengepul.",
        "Ibu rumah tangga",
        "aplikasi",
        (40, 85, 150),
        (1,),
    ),
    Theme(
        "economy",
        "kesejahteraan_rakyat",
        "2.17",
        "Lokapasar UMKM desa",
        "Etalase daring bersama untuk {n} produk UMKM, dengan {v} kali pelatihan foto produk dan "
        "kemasan.",
        "Pelaku UMKM",
        "kegiatan",
        (25, 40, 60),
        (2, 4, 6),
    ),
    Theme(
        "branding",
        "ekosistem_pariwisata",
        "3.26",
        "Paket ekowisata mangrove {loc}",
        "{v} perahu wisata, jalur trekking kayu dan pemandu dari karang taruna; target {n} "
        "pengunjung per bulan.",
        "Pokdarwis dan pemuda",
        "unit",
        (150, 300, 500),
        (2, 3, 4),
    ),
    Theme(
        "society",
        "keamanan",
        "1.05",
        "Penerangan jalan tenaga surya {loc}",
        "Memasang {v} titik PJU tenaga surya di ruas jalan rawan yang dilalui {n} warga.",
        "Pengguna jalan",
        "titik",
        _PEOPLE,
        (10, 20, 50),
    ),
    Theme(
        "society",
        "ekosistem_belajar",
        "2.23",
        "Pojok baca digital di balai desa",
        "Perpustakaan digital dengan {v} tablet dan akses e-book untuk {n} pelajar.",
        "Pelajar",
        "unit",
        (60, 120, 250),
        (5, 10, 20),
    ),
    Theme(
        "living",
        "kesehatan",
        "1.02",
        "Aplikasi pemantauan gizi balita posyandu",
        "Kader posyandu mencatat tumbuh kembang {n} balita di ponsel dengan {v} aplikasi; data "
        "langsung ke puskesmas.",
        "Balita dan ibu hamil",
        "aplikasi",
        (40, 85, 150),
        (1,),
    ),
    Theme(
        "economy",
        "industri",
        "2.07",
        "Pelatihan kerja sesuai kebutuhan industri",
        "Kerja sama dengan kawasan industri: {v} angkatan pelatihan las dan operator mesin untuk "
        "{n} pemuda.",
        "Pemuda pencari kerja",
        "angkatan",
        (20, 40, 60),
        (1, 2, 3),
    ),
)

# RT and RW numbers are written with two digits and capitals, as on village signs: "RT 03/RW 08".
PLACES = (
    "di Dusun {d}",
    "di RW {rw}",
    "di RT {rt}/RW {rw}",
    "di Kampung {k}",
    "di sekitar pasar",
    "dekat sekolah",
    "di Dusun {d} RT {rt}",
)
DUSUN = ("I", "II", "III", "IV", "Krajan", "Pulo", "Kebon", "Pintu Air")
KAMPUNG = (
    "Bungin",
    "Pondok",
    "Gardu",
    "Babakan",
    "Cikarang Kolot",
    "Pulo Timaha",
    "Muara",
    "Tanjung",
    "Kali Jaya",
    "Sawah Baru",
)
OPD = (
    "Dinas Komunikasi, Informatika, Persandian dan Statistik",
    "Dinas Lingkungan Hidup",
    "Dinas Sumber Daya Air, Bina Marga dan Bina Konstruksi",
    "Dinas Kesehatan",
    "Dinas Koperasi dan UKM",
    "Dinas Pariwisata",
    "Dinas Perhubungan",
    "Dinas Pemberdayaan Masyarakat dan Desa",
)


def sentence_start(text: str) -> str:
    """Capitalise the first letter only: ``str.capitalize`` would turn "RW 08" into "Rw 08"."""
    return text[:1].upper() + text[1:]
