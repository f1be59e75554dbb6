import type { Locale } from './i18n';

/** Interface text of the site (lesson text lives in content/). */
const en = {
  languageName: 'English',
  switchLanguage: '한국어',
  switchLanguageLabel: 'Read this page in Korean',
  themeLabel: 'Switch between light and dark theme',
  skipToContent: 'Skip to content',
  start: 'Start the course',
  modules: 'Modules',
  lessonsCount: (n: number) => `${n} lesson${n === 1 ? '' : 's'}`,
  minutes: (n: number) => `${n} min`,
  totalTime: (n: number) => `About ${Math.round(n / 6) / 10} hours of hands-on lessons so far`,
  comingSoon: 'Lessons coming soon',
  whatYouLearn: 'What you will learn',
  objectives: 'In this lesson you will',
  previous: 'Previous',
  next: 'Next',
  courseContents: 'Course contents',
  module: (n: number) => `Module ${n}`,
  onThisPage: 'On this page',
  lessonTab: 'Lesson',
  terminalTab: 'Terminal',
  resizePanels: 'Resize the lesson and terminal panels',
  terminalTitle: 'Your Docker sandbox',
  terminalPlaceholder: 'A terminal connected to your own Docker engine appears here.',
  copy: 'Copy',
  copied: 'Copied',
  anchorLabel: 'Link to this section',
  homeHeroTagline: 'A real Docker engine of your own, right beside every lesson.',
  features: [
    'Read a short lesson, then type real docker commands in the terminal beside it.',
    'Your work is checked against your own Docker engine, step by step.',
    'From virtual machines to a Swarm cluster, in Korean and English.',
  ],
};

type Messages = typeof en;

const ko: Messages = {
  languageName: '한국어',
  switchLanguage: 'English',
  switchLanguageLabel: '이 페이지를 영어로 보기',
  themeLabel: '밝은 테마와 어두운 테마 전환',
  skipToContent: '본문으로 건너뛰기',
  start: '과정 시작하기',
  modules: '모듈',
  lessonsCount: (n) => `레슨 ${n}개`,
  minutes: (n) => `${n}분`,
  totalTime: (n) => `지금까지 약 ${Math.round(n / 6) / 10}시간 분량의 실습 레슨`,
  comingSoon: '레슨 준비 중',
  whatYouLearn: '배우게 될 내용',
  objectives: '이 레슨에서 할 일',
  previous: '이전',
  next: '다음',
  courseContents: '과정 목차',
  module: (n) => `모듈 ${n}`,
  onThisPage: '이 페이지의 내용',
  lessonTab: '레슨',
  terminalTab: '터미널',
  resizePanels: '레슨과 터미널 패널 크기 조절',
  terminalTitle: '나의 Docker 샌드박스',
  terminalPlaceholder: '나만의 Docker 엔진에 연결된 터미널이 여기에 나타납니다.',
  copy: '복사',
  copied: '복사됨',
  anchorLabel: '이 절로 가는 링크',
  homeHeroTagline: '모든 레슨 바로 옆에, 나만의 진짜 Docker 엔진.',
  features: [
    '짧은 레슨을 읽고, 바로 옆 터미널에서 진짜 docker 명령을 입력합니다.',
    '한 단계씩, 나의 Docker 엔진의 실제 상태로 결과를 확인합니다.',
    '가상 머신부터 Swarm 클러스터까지, 한국어와 영어로.',
  ],
};

export const messages: Record<Locale, Messages> = { en, ko };
export type { Messages };
