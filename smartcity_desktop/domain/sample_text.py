"""Themes for training and demo data, drawn from the kinds of problems Kabupaten Bekasi villages
report (tidal and river floods, dry-season water shortage, waste, river pollution, roads).

Each theme: (dimension, sub_element, urusan, title, description, extra). ``{loc}`` is filled with a
place inside the village, ``{n}`` with a number.
"""

from __future__ import annotations

Theme = tuple[str, str, str, str, str, str]

PROBLEMS: tuple[Theme, ...] = (
    (
        "environment",
        "proteksi_lingkungan",
        "2.11",
        "Banjir rob merendam tambak warga {loc}",
        "Air laut pasang masuk ke permukiman dan tambak hampir setiap bulan; sekitar {n} petak tambak "
        "gagal panen dan jalan lingkungan tergenang berhari-hari.",
        "Tanggul pantai rendah dan rusak, penurunan muka tanah, hutan mangrove berkurang.",
    ),
    (
        "environment",
        "proteksi_lingkungan",
        "1.03",
        "Luapan Kali Cikarang saat hujan deras {loc}",
        "Setiap musim hujan air kali meluap ke rumah warga setinggi lutut; {n} rumah terdampak dan "
        "anak-anak tidak dapat bersekolah.",
        "Sedimentasi kali, bantaran dipenuhi bangunan, drainase tersumbat sampah.",
    ),
    (
        "living",
        "kesehatan",
        "1.03",
        "Krisis air bersih pada musim kemarau {loc}",
        "Sumur warga kering dari Juli sampai Oktober; {n} KK membeli air jeriken dengan harga mahal "
        "dan sebagian memakai air kali untuk mandi.",
        "Belum ada jaringan air perpipaan, muka air tanah turun, tidak ada penampungan air hujan.",
    ),
    (
        "environment",
        "sampah_limbah",
        "2.11",
        "Tumpukan sampah liar di pinggir jalan {loc}",
        "Sampah rumah tangga dibuang di lahan kosong dan bahu jalan; bau menyengat dan menjadi "
        "sarang lalat, sekitar {n} warga mengeluh.",
        "Belum ada layanan angkut sampah, TPA Burangkeng penuh, kebiasaan membuang sampah sembarangan.",
    ),
    (
        "environment",
        "proteksi_lingkungan",
        "2.11",
        "Air Kali Cilemahabang menghitam dan berbau {loc}",
        "Air kali berwarna hitam dan berbusa, padahal masih dipakai warga untuk mencuci dan mengairi "
        "sawah; ikan mati dan {n} warga mengeluh gatal-gatal.",
        "Dugaan limbah industri dibuang tanpa diolah, pengawasan lemah.",
    ),
    (
        "living",
        "transportasi",
        "1.03",
        "Jalan desa rusak dan berlumpur {loc}",
        "Jalan penghubung sepanjang {n} meter masih tanah dan berlubang; saat hujan tidak dapat "
        "dilalui motor dan hasil panen sulit diangkut.",
        "Anggaran pemeliharaan jalan terbatas, truk bermuatan berat melintas.",
    ),
    (
        "society",
        "keamanan",
        "1.05",
        "Penerangan jalan umum belum ada {loc}",
        "Ruas jalan sepanjang {n} meter gelap pada malam hari; warga takut melintas dan pernah terjadi "
        "pencurian motor.",
        "Belum ada tiang dan jaringan listrik untuk PJU.",
    ),
    (
        "governance",
        "pelayanan_publik",
        "2.12",
        "Pelayanan surat keterangan di kantor desa lambat",
        "Warga harus datang berkali-kali untuk mengurus surat pengantar; rata-rata {n} warga antre "
        "setiap hari dan arsip masih ditulis tangan.",
        "Belum ada sistem administrasi digital, perangkat desa terbatas.",
    ),
    (
        "governance",
        "birokrasi",
        "2.16",
        "Sinyal internet lemah di kantor desa dan sekolah",
        "Perangkat desa kesulitan mengirim laporan daring; sekolah dengan {n} siswa tidak dapat "
        "memakai pembelajaran daring.",
        "Belum ada menara BTS dekat desa, jaringan kabel belum masuk.",
    ),
    (
        "economy",
        "kesejahteraan_rakyat",
        "2.17",
        "Produk UMKM sulit dipasarkan {loc}",
        "Sekitar {n} pelaku UMKM hanya menjual di warung sekitar; harga jual rendah dan tidak ada "
        "kemasan yang menarik.",
        "Belum menguasai pemasaran daring, belum ada izin PIRT dan merek.",
    ),
    (
        "economy",
        "industri",
        "2.07",
        "Pemuda desa banyak yang menganggur",
        "Sekitar {n} pemuda lulusan SMA belum bekerja meskipun dekat kawasan industri.",
        "Keterampilan tidak sesuai kebutuhan industri, informasi lowongan tidak sampai ke desa.",
    ),
    (
        "living",
        "kesehatan",
        "1.02",
        "Kasus stunting pada balita {loc}",
        "Posyandu mencatat {n} balita dengan tinggi badan di bawah standar.",
        "Pola asuh dan gizi kurang, sanitasi buruk, kader posyandu belum terlatih.",
    ),
    (
        "society",
        "ekosistem_belajar",
        "1.01",
        "Taman baca desa tidak aktif",
        "Buku di taman baca hanya {n} judul dan sudah lama; ruangan jarang dibuka.",
        "Tidak ada pengelola tetap dan anggaran pengadaan buku.",
    ),
    (
        "branding",
        "penataan_wajah",
        "1.04",
        "Permukiman padat dan kumuh di bantaran kali {loc}",
        "Sekitar {n} rumah berdiri rapat tanpa saluran air limbah; wajah desa terlihat kumuh.",
        "Pertumbuhan penduduk cepat, lahan terbatas.",
    ),
)

POTENTIALS: tuple[Theme, ...] = (
    (
        "branding",
        "ekosistem_pariwisata",
        "3.26",
        "Hutan mangrove untuk ekowisata {loc}",
        "Kawasan mangrove seluas {n} hektare dapat dikembangkan menjadi wisata susur sungai dan "
        "edukasi lingkungan.",
        "wisata",
    ),
    (
        "economy",
        "kesejahteraan_rakyat",
        "3.25",
        "Tambak bandeng dan udang {loc}",
        "Sekitar {n} hektare tambak produktif; hasil panen bisa diolah menjadi bandeng presto.",
        "alam",
    ),
    (
        "branding",
        "ekosistem_bisnis",
        "2.17",
        "Kelompok UMKM olahan pangan {loc}",
        "Ada {n} pelaku usaha keripik, dodol dan kerupuk yang sudah rutin berproduksi.",
        "ekonomi",
    ),
    (
        "economy",
        "kesejahteraan_rakyat",
        "3.27",
        "Sawah irigasi teknis {loc}",
        "Lahan sawah {n} hektare dengan dua kali panen setahun; cocok untuk pertanian modern.",
        "alam",
    ),
    (
        "society",
        "komunitas",
        "2.19",
        "Karang taruna aktif dan melek digital",
        "Karang taruna beranggotakan {n} pemuda yang terbiasa membuat konten media sosial.",
        "sdm",
    ),
    (
        "branding",
        "ekosistem_pariwisata",
        "2.22",
        "Seni budaya Betawi pesisir",
        "Sanggar tanjidor dan lenong dengan {n} anggota masih aktif tampil di acara desa.",
        "wisata",
    ),
    (
        "environment",
        "sampah_limbah",
        "2.11",
        "Bank sampah rintisan ibu-ibu PKK {loc}",
        "Sudah ada {n} nasabah yang menabung sampah plastik setiap minggu.",
        "sdm",
    ),
    (
        "living",
        "transportasi",
        "2.15",
        "Dekat jalan tol dan stasiun kereta",
        "Akses ke gerbang tol hanya {n} menit; memudahkan distribusi hasil usaha desa.",
        "infrastruktur",
    ),
)

PROPOSALS: tuple[Theme, ...] = (
    (
        "governance",
        "pelayanan_publik",
        "2.16",
        "Layanan surat desa daring",
        "Warga mengajukan surat pengantar lewat ponsel dan mengambilnya sudah jadi; target {n} "
        "layanan per bulan.",
        "Operator desa",
    ),
    (
        "environment",
        "proteksi_lingkungan",
        "2.11",
        "Peringatan dini banjir rob berbasis sensor {loc}",
        "Sensor ketinggian air di muara mengirim peringatan ke grup WhatsApp RT; melindungi {n} KK.",
        "Warga pesisir",
    ),
    (
        "living",
        "kesehatan",
        "1.03",
        "Panen air hujan untuk musim kemarau {loc}",
        "Membangun {n} tandon penampung air hujan komunal dengan saringan sederhana.",
        "KK terdampak kekeringan",
    ),
    (
        "environment",
        "sampah_limbah",
        "2.11",
        "Bank sampah digital desa",
        "Aplikasi pencatatan tabungan sampah untuk {n} nasabah, terhubung dengan pengepul.",
        "Ibu rumah tangga",
    ),
    (
        "branding",
        "ekosistem_bisnis",
        "2.17",
        "Lokapasar UMKM desa",
        "Etalase daring bersama untuk {n} produk UMKM dengan pelatihan foto produk dan kemasan.",
        "Pelaku UMKM",
    ),
    (
        "branding",
        "ekosistem_pariwisata",
        "3.26",
        "Paket ekowisata mangrove {loc}",
        "Perahu wisata, jalur trekking kayu dan pemandu dari karang taruna; target {n} pengunjung "
        "per bulan.",
        "Pokdarwis dan pemuda",
    ),
    (
        "society",
        "keamanan",
        "1.05",
        "Penerangan jalan tenaga surya {loc}",
        "Memasang {n} titik PJU tenaga surya di ruas jalan rawan.",
        "Pengguna jalan",
    ),
    (
        "society",
        "ekosistem_belajar",
        "2.23",
        "Pojok baca digital di balai desa",
        "Perpustakaan digital dengan {n} tablet dan akses e-book untuk pelajar.",
        "Pelajar",
    ),
    (
        "living",
        "kesehatan",
        "1.02",
        "Aplikasi pemantauan gizi balita posyandu",
        "Kader posyandu mencatat tumbuh kembang {n} balita di ponsel; data langsung ke puskesmas.",
        "Balita dan ibu hamil",
    ),
    (
        "economy",
        "industri",
        "2.07",
        "Pelatihan kerja sesuai kebutuhan industri",
        "Kerja sama dengan kawasan industri untuk melatih {n} pemuda las dan operator mesin.",
        "Pemuda pencari kerja",
    ),
)

PLACES = (
    "di Dusun {d}",
    "di RW {rw}",
    "di RT {rt}/RW {rw}",
    "di Kampung {k}",
    "di sekitar pasar",
    "dekat sekolah",
    "di Dusun {d} RW {rw}",
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
UNITS = ("unit", "paket", "titik", "kegiatan", "meter", "orang")
