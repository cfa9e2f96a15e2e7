// The datasets the package knows by name: their files, classes and canonical downloads.

export type DatasetName = 'mnist' | 'fashion-mnist' | 'cifar10' | 'cifar100' | 'mnist-10k';
export const DATASET_NAMES: readonly DatasetName[] = ['mnist', 'fashion-mnist', 'cifar10', 'cifar100', 'mnist-10k'];

/** One file to fetch: its URL and SHA-256, and for gzipped files the SHA-256 of the content inside. */
export interface RemoteFile {
  url: string;
  sha256: string;
  /** A gzip of the same content made by another tool verifies by this hash (Debian and mirrors re-gzip). */
  contentSha256?: string;
  /** For archives: the members to extract, by path inside the archive, into the dataset folder. */
  extract?: string[];
}

export interface IdxLayout {
  kind: 'idx';
  train: { images: string; labels: string };
  test: { images: string; labels: string };
}

export interface CifarLayout {
  kind: 'cifar';
  labelBytes: 1 | 2;
  /** Training batch files in order; the first must exist, later ones are read when present. */
  train: string[];
  test: string;
  /** The folder the official archive unpacks to; the files may sit in it or directly in the dataset folder. */
  archiveFolder: string;
}

export interface DatasetSpec {
  layout: IdxLayout | CifarLayout;
  classes: string[];
  downloads: RemoteFile[];
  /** How to get the files other than download(), for the not-found error. */
  hint?: string;
}

const MNIST_FILES: IdxLayout = {
  kind: 'idx',
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
};

const DIGITS = Array.from({ length: 10 }, (_, i) => String(i));

/** The four gzipped IDX files under `baseUrl`, with [file, SHA-256 of the .gz, SHA-256 of its content]. */
const idxDownloads = (baseUrl: string, hashes: [string, string, string][]): RemoteFile[] =>
  hashes.map(([file, sha256, contentSha256]) => ({ url: `${baseUrl}/${file}.gz`, sha256, contentSha256 }));

// SHA-256 of the canonical archives as published by their mirrors (also pinned by
// tensorflow/datasets), and of the uncompressed IDX files.
export const DATASETS: Record<Exclude<DatasetName, 'mnist-10k'>, DatasetSpec> = {
  mnist: {
    layout: MNIST_FILES,
    classes: DIGITS,
    downloads: idxDownloads('https://storage.googleapis.com/cvdf-datasets/mnist', [
      ['train-images-idx3-ubyte', '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609', 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db'],
      ['train-labels-idx1-ubyte', '3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c', '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5'],
      ['t10k-images-idx3-ubyte', '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6', '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7'],
      ['t10k-labels-idx1-ubyte', 'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6', 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2'],
    ]),
  },
  'fashion-mnist': {
    layout: MNIST_FILES,
    classes: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
    downloads: idxDownloads('http://fashion-mnist.s3-website.eu-central-1.amazonaws.com', [
      ['train-images-idx3-ubyte', '3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84', 'c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888'],
      ['train-labels-idx1-ubyte', 'a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845', 'bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9'],
      ['t10k-images-idx3-ubyte', '346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073', '5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b'],
      ['t10k-labels-idx1-ubyte', '67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5', '0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34'],
    ]),
    hint: 'on Debian, `apt-get install dataset-fashion-mnist` puts it in /usr/share/datasets/fashion-mnist',
  },
  cifar10: {
    layout: {
      kind: 'cifar',
      labelBytes: 1,
      train: [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`),
      test: 'test_batch.bin',
      archiveFolder: 'cifar-10-batches-bin',
    },
    classes: ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'],
    downloads: [
      {
        url: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz',
        sha256: 'c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd',
        extract: [1, 2, 3, 4, 5].map((i) => `cifar-10-batches-bin/data_batch_${i}.bin`).concat('cifar-10-batches-bin/test_batch.bin'),
      },
    ],
  },
  cifar100: {
    layout: { kind: 'cifar', labelBytes: 2, train: ['train.bin'], test: 'test.bin', archiveFolder: 'cifar-100-binary' },
    classes: [],
    downloads: [
      {
        url: 'https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz',
        sha256: '58a81ae192c23a4be8b1804d68e518ed807d710a4eb253b1f2a199162a40d8ec',
        extract: ['train.bin', 'test.bin', 'fine_label_names.txt', 'coarse_label_names.txt'].map((f) => `cifar-100-binary/${f}`),
      },
    ],
  },
};

/** The embedded default: the real MNIST test set, split 8,000 / 2,000 (see README). */
export const MNIST_10K = { trainCount: 8000, testCount: 2000, folder: 'mnist-10k' } as const;
